package dev.baton.cleanup;

import dev.baton.workflow.Workflow;

/** Removes a workflow's worktrees and branch, keeping its reports and rows (the engine's {@code removeWorktrees}). */
@FunctionalInterface
public interface WorktreeRemover {
    void remove(Workflow workflow);
}
