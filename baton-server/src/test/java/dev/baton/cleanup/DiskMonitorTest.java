package dev.baton.cleanup;

import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowStatus;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static dev.baton.cleanup.CleanupFixture.ARCHIVE_AFTER;
import static dev.baton.cleanup.CleanupFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

class DiskMonitorTest extends CleanupFixtureTest {
    private static final long WARNING = 20_000;
    private static final long CRITICAL = 5_000;
    private DiskMonitor monitor(FreeSpace free) {
        return new DiskMonitor(Map.of("worktree", f.layout.worktreeRoot(), "workflow", f.layout.workflowRoot()), free, WARNING, CRITICAL,
                new ForcedCleanup(f.worktrees, f.reports), f.metrics);
    }

    @Test
    void theStatusFollowsTheThresholdsAndTheGaugesShowTheFreeSpacePerRoot() {
        AtomicLong free = new AtomicLong(WARNING);
        DiskMonitor m = monitor(root -> free.get());

        assertThat(m.check().status()).isEqualTo(DiskStatus.OK);
        free.set(WARNING - 1);
        assertThat(m.check().status()).isEqualTo(DiskStatus.WARNING);
        free.set(CRITICAL);
        assertThat(m.check().status()).isEqualTo(DiskStatus.WARNING);
        free.set(CRITICAL - 1);
        DiskMonitor.Result r = m.check();
        assertThat(r.status()).isEqualTo(DiskStatus.CRITICAL);
        assertThat(r.removed()).as("nothing to remove").isEmpty();

        assertThat(f.meters.get("baton.disk.free").tag("root", "worktree").gauge().value()).isEqualTo(CRITICAL - 1);
        assertThat(f.meters.get("baton.disk.free").tag("root", "workflow").gauge().value()).isEqualTo(CRITICAL - 1);
    }

    @Test
    void theLeastFreeRootDecides() {
        DiskMonitor m = monitor(root -> root.equals(f.layout.workflowRoot()) ? WARNING - 1 : WARNING * 10);
        assertThat(m.check().status()).isEqualTo(DiskStatus.WARNING);
    }

    @Test
    void whenCriticalTheWorktreesOfFinishedWorkflowsGoOldestFirstRegardlessOfTtlThenArchivesUntilAboveTheThreshold() throws Exception {
        Workflow older = f.withWorktree(WorkflowStatus.COMPLETED, T0.plusSeconds(10));
        Workflow running = f.withWorktree(WorkflowStatus.RUNNING, null);
        Workflow newer = f.withWorktree(WorkflowStatus.CANCELLED, T0.plusSeconds(20));
        f.report(older, "a.md", "a", T0);
        f.clock.set(T0.plus(ARCHIVE_AFTER).plusSeconds(1));
        f.reports.archiveOld();
        f.report(newer, "b.md", "b", T0);
        f.clock.advance(Duration.ofDays(1));
        f.reports.archiveOld();
        List<Path> archives = f.reports.archivesOldestFirst();
        assertThat(archives).hasSize(2);
        f.clock.set(T0.plusSeconds(30)); // well within the worktree TTL

        // Each removed worktree or archive frees 1000 bytes; three removals lift the disk back to the threshold.
        long start = CRITICAL - 2_500;
        FreeSpace free = root -> start + 1000L * gone(List.of(f.layout.worktree(older.id(), "app"),
                f.layout.worktree(newer.id(), "app"), archives.get(0), archives.get(1)));
        DiskMonitor.Result r = monitor(free).check();

        assertThat(r.status()).isEqualTo(DiskStatus.CRITICAL);
        assertThat(r.removed()).containsExactly("worktree:" + older.id(), "worktree:" + newer.id(), "archive:" + archives.get(0));
        assertThat(r.freeBytes()).isEqualTo(start + 3000);
        assertThat(f.hasBranch(older)).isFalse();
        assertThat(archives.get(1)).exists();
        assertThat(f.hasWorktree(running)).as("never a running workflow's").isTrue();
    }

    private static long gone(List<Path> paths) {
        return paths.stream().filter(p -> !Files.exists(p)).count();
    }
}
