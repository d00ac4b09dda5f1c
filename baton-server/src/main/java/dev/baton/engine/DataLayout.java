package dev.baton.engine;

import java.nio.file.Path;

/**
 * Where everything a workflow keeps on disk lives. All paths are built from ids that passed
 * {@link dev.baton.shared.Ids#isSafe}, so none can leave its root.
 *
 * @param dataDir      BATON_DATA_DIR
 * @param gitRoot      GIT_ROOT_PATH: repositories named in specs resolve against it
 * @param worktreeRoot WORKTREE_ROOT_PATH: one folder per workflow, one worktree per repository
 * @param workflowRoot WORKFLOW_ROOT_PATH: per workflow its workspaces and reports
 * @param archiveRoot  ARCHIVE_ROOT_PATH
 * @param specsDir     SPEC_ROOT: the spec file of every workflow, watched for changes
 */
public record DataLayout(Path dataDir, Path gitRoot, Path worktreeRoot, Path workflowRoot, Path archiveRoot, Path specsDir) {

    public static DataLayout under(Path dataDir) {
        Path d = dataDir.toAbsolutePath().normalize();
        return new DataLayout(d, d.resolve("git"), d.resolve("worktrees"), d.resolve("workflows"), d.resolve("workflows").resolve("archive"),
                d.resolve("specs").resolve("active"));
    }

    public Path diffsDir() {
        return dataDir.resolve("diffs");
    }

    public Path agentPidDir() {
        return dataDir.resolve("run").resolve("agents");
    }

    public Path worktree(String workflowId, String repository) {
        return worktreeRoot.resolve(workflowId).resolve(repository);
    }

    public Path workflowDir(String workflowId) {
        return workflowRoot.resolve(workflowId);
    }

    public Path reportsDir(String workflowId) {
        return workflowDir(workflowId).resolve("reports");
    }

    public Path workspace(String workflowId, String workId) {
        return workflowDir(workflowId).resolve("workspaces").resolve(workId);
    }

    public Path specFile(String workflowId) {
        return specsDir().resolve(workflowId + ".yaml");
    }
}
