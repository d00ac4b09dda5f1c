package dev.baton.cleanup;

import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowStatus;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.baton.cleanup.CleanupFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

class ResourceCleanupTest extends CleanupFixtureTest {
    @Test
    void oneRunAppliesEveryRuleAndSumsUpWhatItRemoved() throws Exception {
        Workflow wf = f.withWorktree(WorkflowStatus.COMPLETED, T0);
        f.report(wf, "a.md", "a", T0);
        f.invalidCheckpoint(wf, T0);
        f.clock.set(T0.plus(Duration.ofDays(8)));

        CleanupSummary s = new ResourceCleanup(f.worktrees, f.reports, f.checkpoints).run();

        assertThat(s.worktrees()).isEqualTo(1);
        assertThat(s.reports()).isEqualTo(1);
        assertThat(s.archives()).isZero();
        assertThat(s.checkpoints()).isEqualTo(1);
        assertThat(s.failures()).isZero();
        assertThat(f.removed(CleanupMetrics.WORKTREE) + f.removed(CleanupMetrics.REPORT) + f.removed(CleanupMetrics.CHECKPOINT)).isEqualTo(3);
    }

    @Test
    void theSchedulerRunsTheCleanupAtTheScheduledTimeAndChecksTheDisk() {
        Workflow wf = f.withWorktree(WorkflowStatus.COMPLETED, T0);
        f.clock.set(T0.plus(Duration.ofDays(2)));
        AtomicInteger asked = new AtomicInteger();
        AtomicInteger measured = new AtomicInteger();
        DiskMonitor disk = new DiskMonitor(Map.of("workflow", f.layout.workflowRoot()), root -> {
            measured.incrementAndGet();
            return Long.MAX_VALUE;
        }, 2, 1, new ForcedCleanup(f.worktrees, f.reports), f.metrics);
        // Due now once, then never again.
        try (var ignored = new CleanupScheduler(new ResourceCleanup(f.worktrees, f.reports, f.checkpoints),
                t -> asked.getAndIncrement() == 0 ? t : (Instant) null, disk, Duration.ofHours(1), f.clock)) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !f.hasWorktree(wf) && measured.get() > 0 && asked.get() == 2);
        }
    }
}
