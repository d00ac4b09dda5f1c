package dev.baton.cleanup;

import java.time.Duration;

/** What one scheduled cleanup run removed. */
public record CleanupSummary(int worktrees, int reports, int archives, int checkpoints, int failures, Duration took) {
}
