package dev.baton.spec;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * A diff a worker submitted for a task (seed 000: {@code submissions[].taskId/path/timestamp}).
 *
 * @param path   real absolute path inside the diffs root (the file says it relative to that root)
 * @param status pending until the git manager records the outcome
 * @param commit the commit the diff became, when applied; may be null
 * @param reason why applying failed; may be null
 */
public record Submission(String taskId, Path path, Instant timestamp, SubmissionStatus status, String commit, String reason) {

    public Submission {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(status, "status");
    }

    public static Submission pending(String taskId, Path path, Instant timestamp) {
        return new Submission(taskId, path, timestamp, SubmissionStatus.PENDING, null, null);
    }
}
