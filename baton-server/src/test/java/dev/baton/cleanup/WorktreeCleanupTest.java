package dev.baton.cleanup;

import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowStatus;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static dev.baton.cleanup.CleanupFixture.T0;
import static dev.baton.cleanup.CleanupFixture.TTL;
import static org.assertj.core.api.Assertions.assertThat;

class WorktreeCleanupTest extends CleanupFixtureTest {
    @Test
    void aCompletedWorkflowKeepsItsWorktreeUntilTheTtlHasPassedThenLosesWorktreeAndBranchButKeepsReportsAndRows() throws Exception {
        Workflow wf = f.withWorktree(WorkflowStatus.COMPLETED, T0);
        Path report = f.report(wf, "00-wk/01-task.md", "# report\n", T0);

        f.clock.set(T0.plus(TTL).minusSeconds(1));
        assertThat(f.worktrees.removeExpired()).isZero();
        assertThat(f.hasWorktree(wf)).isTrue();
        assertThat(f.hasBranch(wf)).isTrue();

        f.clock.set(T0.plus(TTL)); // exactly the TTL: not older than it yet
        assertThat(f.worktrees.removeExpired()).isZero();

        f.clock.set(T0.plus(TTL).plusSeconds(1));
        assertThat(f.worktrees.removeExpired()).isEqualTo(1);
        assertThat(f.hasWorktree(wf)).isFalse();
        assertThat(f.layout.worktreeRoot().resolve(wf.id())).doesNotExist();
        assertThat(f.hasBranch(wf)).isFalse();
        assertThat(CleanupFixture.git(f.app, "worktree", "list")).doesNotContain(wf.id());
        assertThat(report).hasContent("# report");
        assertThat(f.repository.find(wf.id())).isPresent();
        assertThat(f.removed(CleanupMetrics.WORKTREE)).isEqualTo(1);

        assertThat(f.worktrees.removeExpired()).as("nothing left to remove").isZero();
    }

    @Test
    void cancelledWorkflowsAgeTooButRunningPausedAndFailedOnesKeepTheirWorktrees() throws Exception {
        Workflow cancelled = f.withWorktree(WorkflowStatus.CANCELLED, T0);
        Workflow failed = f.withWorktree(WorkflowStatus.FAILED, T0);
        Workflow paused = f.withWorktree(WorkflowStatus.PAUSED, null);
        Workflow running = f.withWorktree(WorkflowStatus.RUNNING, null);

        f.clock.set(T0.plus(Duration.ofDays(365)));
        assertThat(f.worktrees.removeExpired()).isEqualTo(1);

        assertThat(f.hasWorktree(cancelled)).isFalse();
        assertThat(f.hasWorktree(failed)).isTrue();
        assertThat(f.hasWorktree(paused)).isTrue();
        assertThat(f.hasWorktree(running)).isTrue();
    }

    @Test
    void withoutFinishedAtTheLastUpdateCounts() throws Exception {
        Workflow wf = f.workflow(WorkflowStatus.COMPLETED, null); // updatedAt = T0, finishedAt unset
        f.workspaces.worktrees(wf);

        f.clock.set(T0.plus(TTL).minusSeconds(1));
        assertThat(f.worktrees.removeExpired()).isZero();
        f.clock.set(T0.plus(TTL).plusSeconds(1));
        assertThat(f.worktrees.removeExpired()).isEqualTo(1);
        assertThat(Files.exists(f.layout.worktree(wf.id(), "app"))).isFalse();
    }
}
