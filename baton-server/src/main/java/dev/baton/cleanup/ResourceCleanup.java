package dev.baton.cleanup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.IntSupplier;

/** One scheduled cleanup run: worktrees, reports and archives, invalid checkpoints; then a summary line. */
public final class ResourceCleanup {
    private static final Logger log = LoggerFactory.getLogger(ResourceCleanup.class);
    private final WorktreeCleanup worktrees;
    private final ReportRetention reports;
    private final CheckpointCleanup checkpoints;

    public ResourceCleanup(WorktreeCleanup worktrees, ReportRetention reports, CheckpointCleanup checkpoints) {
        this.worktrees = worktrees;
        this.reports = reports;
        this.checkpoints = checkpoints;
    }

    public CleanupSummary run() {
        long start = System.nanoTime();
        int[] failures = {0};
        // Each step on its own: a database outage must not keep the worktrees from being removed, and so on.
        int wt = step("worktrees", worktrees::removeExpired, failures);
        int rp = step("reports", reports::archiveOld, failures);
        int ar = step("archives", reports::deleteExpiredArchives, failures);
        int cp = step("checkpoints", checkpoints::deleteInvalid, failures);
        CleanupSummary s = new CleanupSummary(wt, rp, ar, cp, failures[0], Duration.ofNanos(System.nanoTime() - start));
        log.atInfo().addKeyValue("event", "CleanupCompleted").addKeyValue("worktrees", wt).addKeyValue("reports", rp)
                .addKeyValue("archives", ar).addKeyValue("checkpoints", cp).addKeyValue("failures", s.failures())
                .addKeyValue("durationMs", s.took().toMillis())
                .log("cleanup removed {} worktree(s), archived {} report(s), deleted {} archive(s) and {} checkpoint(s)", wt, rp, ar, cp);
        return s;
    }

    private static int step(String what, IntSupplier body, int[] failures) {
        try {
            return body.getAsInt();
        } catch (RuntimeException e) {
            failures[0]++;
            log.atError().addKeyValue("event", "CleanupFailed").addKeyValue("step", what).addKeyValue("error", e.toString())
                    .log("cleanup of {} failed: {}", what, e.getMessage());
            return 0;
        }
    }
}
