package dev.baton.engine;

import dev.baton.git.GitCli;
import dev.baton.shared.BatonException;
import dev.baton.shared.FileTrees;
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
    private final EngineTracing tracing;

    public WorkspacePreparer(DataLayout layout, GitCli git, EngineMetrics metrics) {
        this(layout, git, metrics, EngineTracing.noop());
    }

    public WorkspacePreparer(DataLayout layout, GitCli git, EngineMetrics metrics, EngineTracing tracing) {
        this.layout = layout;
        this.git = git;
        this.metrics = metrics;
        this.tracing = tracing;
    }

    public static String branch(String workflowId) {
        return "baton/" + workflowId;
    }

    /** Ensures every repository has its worktree; returns repository name → worktree path. */
    public Map<String, Path> worktrees(Workflow wf) {
        EngineTracing.Traced span = tracing.start("resource.prepare_worktrees", EngineTracing.workflow(wf.correlationId(), wf.id()).build());
        try (span) {
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
        } catch (RuntimeException | Error e) {
            span.fail(e);
            throw e;
        }
    }

    /** The work's folder: a link per repository to its worktree and a {@code reports} link. */
    public Path workspace(Workflow wf, Work work, Map<String, Path> worktrees) {
        Path ws = layout.workspace(wf.id(), work.id());
        Path reports = layout.reportsDir(wf.id());
        EngineTracing.Traced span = tracing.start("resource.prepare_workspace", EngineTracing.workflow(wf.correlationId(), wf.id())
                .put(EngineTracing.WORK_ID, work.id()).put(EngineTracing.WORK_SEQUENCE, (long) work.sequence())
                .put(EngineTracing.WORKSPACE_ID, String.valueOf(ws.getFileName())).build());
        try (span) {
            Files.createDirectories(ws);
            Files.createDirectories(reports);
            for (var e : worktrees.entrySet()) link(ws.resolve(e.getKey()), e.getValue());
            link(ws.resolve("reports"), reports);
            return ws;
        } catch (IOException e) {
            span.fail(e);
            throw new BatonException.Transient("workspace.io", "cannot prepare workspace " + ws + ": " + e.getMessage(), e);
        }
    }

    /** Removes worktrees, the branch, the workflow's folder (workspaces, reports) and its report archives. */
    public void removeAll(Workflow wf) {
        EngineTracing.Traced span = cleanupSpan(wf, "all");
        try (span) {
            removeWorktreesUntraced(wf);
            FileTrees.deleteRecursively(layout.workflowDir(wf.id()));
            FileTrees.deleteRecursively(layout.archiveRoot().resolve(wf.id()));
        } catch (RuntimeException | Error e) {
            span.fail(e);
            throw e;
        }
    }

    /**
     * Removes worktrees, the branch and the workspaces (whose links would point at nothing) but keeps the
     * reports: what the cleanup of finished workflows does.
     */
    public void removeWorktrees(Workflow wf) {
        EngineTracing.Traced span = cleanupSpan(wf, "worktrees");
        try (span) {
            removeWorktreesUntraced(wf);
        } catch (RuntimeException | Error e) {
            span.fail(e);
            throw e;
        }
    }

    /** resource.cleanup: a trace of its own, since cleanup runs long after the workflow's run. */
    private EngineTracing.Traced cleanupSpan(Workflow wf, String scope) {
        return tracing.start("resource.cleanup", EngineTracing.workflow(wf.correlationId(), wf.id())
                .put(EngineTracing.WORKFLOW_STATUS, wf.status().name()).put("cleanup.scope", scope).build());
    }

    private void removeWorktreesUntraced(Workflow wf) {
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
