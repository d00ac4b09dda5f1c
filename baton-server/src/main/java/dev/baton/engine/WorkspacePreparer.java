package dev.baton.engine;

import dev.baton.git.GitCli;
import dev.baton.shared.BatonException;
import dev.baton.workflow.RepositoryRef;
import dev.baton.workflow.Work;
import dev.baton.workflow.Workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Creates the WorkTrees of a workflow (a {@code git worktree} per repository on branch
 * {@code baton/<workflow-id>}) and the WorkSpace of a work (a folder linking those worktrees and the
 * reports folder), and removes them again.
 */
public final class WorkspacePreparer {
    private final DataLayout layout;
    private final GitCli git;
    private final EngineMetrics metrics;

    public WorkspacePreparer(DataLayout layout, GitCli git, EngineMetrics metrics) {
        this.layout = layout;
        this.git = git;
        this.metrics = metrics;
    }

    public static String branch(String workflowId) {
        return "baton/" + workflowId;
    }

    /** Ensures every repository has its worktree; returns repository name → worktree path. */
    public Map<String, Path> worktrees(Workflow wf) {
        Map<String, Path> trees = new LinkedHashMap<>();
        for (RepositoryRef repo : wf.repositories()) {
            Path dir = layout.worktree(wf.id(), repo.name());
            long start = System.nanoTime();
            createParent(dir);
            git.addWorktree(repo.path(), dir, branch(wf.id()));
            metrics.worktreeCreated(Duration.ofNanos(System.nanoTime() - start));
            trees.put(repo.name(), dir);
        }
        return trees;
    }

    /** The work's folder: a link per repository to its worktree and a {@code reports} link. */
    public Path workspace(Workflow wf, Work work, Map<String, Path> worktrees) {
        Path ws = layout.workspace(wf.id(), work.id());
        Path reports = layout.reportsDir(wf.id());
        try {
            Files.createDirectories(ws);
            Files.createDirectories(reports);
            for (var e : worktrees.entrySet()) link(ws.resolve(e.getKey()), e.getValue());
            link(ws.resolve("reports"), reports);
            return ws;
        } catch (IOException e) {
            throw new BatonException.Transient("workspace.io", "cannot prepare workspace " + ws + ": " + e.getMessage(), e);
        }
    }

    /** Removes worktrees, the branch, the workflow's folder (workspaces, reports) and its report archives. */
    public void removeAll(Workflow wf) {
        removeWorktrees(wf);
        FileTrees.deleteRecursively(layout.workflowDir(wf.id()));
        FileTrees.deleteRecursively(layout.archiveRoot().resolve(wf.id()));
    }

    /**
     * Removes worktrees, the branch and the workspaces (whose links would point at nothing) but keeps the
     * reports: what the cleanup of finished workflows does.
     */
    public void removeWorktrees(Workflow wf) {
        for (RepositoryRef repo : wf.repositories()) {
            if (Files.isDirectory(repo.path())) {
                git.removeWorktree(repo.path(), layout.worktree(wf.id(), repo.name()));
                git.deleteBranch(repo.path(), branch(wf.id()));
            }
        }
        FileTrees.deleteRecursively(layout.worktreeRoot().resolve(wf.id()));
        FileTrees.deleteRecursively(layout.workflowDir(wf.id()).resolve("workspaces"));
    }

    private static void link(Path link, Path target) throws IOException {
        if (Files.isSymbolicLink(link)) {
            if (Files.readSymbolicLink(link).equals(target)) return;
            Files.delete(link);
        }
        Files.createSymbolicLink(link, target);
    }

    private static void createParent(Path dir) {
        try {
            Files.createDirectories(dir.getParent());
        } catch (IOException e) {
            throw new BatonException.Transient("worktree.io", "cannot create " + dir.getParent() + ": " + e.getMessage(), e);
        }
    }
}
