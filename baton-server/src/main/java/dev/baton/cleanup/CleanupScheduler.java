package dev.baton.cleanup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Runs the cleanup at the times of CLEANUP_SCHEDULE_CRON and the disk monitor at a fixed interval. One thread
 * for both, so a forced cleanup never races the scheduled one over the same worktree.
 */
public final class CleanupScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CleanupScheduler.class);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("cleanup").factory());
    private final ResourceCleanup cleanup;
    private final UnaryOperator<Instant> nextRunAfter;
    private final Clock clock;

    /** @param nextRunAfter the next cron time strictly after an instant (null: never) */
    public CleanupScheduler(ResourceCleanup cleanup, UnaryOperator<Instant> nextRunAfter, DiskMonitor disk, Duration diskInterval, Clock clock) {
        this.cleanup = cleanup;
        this.nextRunAfter = nextRunAfter;
        this.clock = clock;
        timer.scheduleWithFixedDelay(guarded("disk monitor", disk::check), 0, diskInterval.toMillis(), TimeUnit.MILLISECONDS);
        scheduleNext();
    }

    private void scheduleNext() {
        Instant now = clock.instant();
        Instant next = nextRunAfter.apply(now);
        if (next == null) return;
        try {
            timer.schedule(() -> {
                guarded("cleanup", cleanup::run).run();
                scheduleNext();
            }, Math.max(0, Duration.between(now, next).toMillis()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // shutting down: no next run
        }
    }

    private static Runnable guarded(String what, Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.atError().addKeyValue("event", "CleanupFailed").addKeyValue("step", what).addKeyValue("error", e.toString())
                        .log("{} failed: {}", what, e.getMessage());
            }
        };
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
