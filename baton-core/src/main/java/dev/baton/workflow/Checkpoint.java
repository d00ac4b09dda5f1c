package dev.baton.workflow;

import java.time.Instant;

/**
 * The commit taken in one repository after a work completed.
 *
 * @param workSequence the work's sequence when the checkpoint was taken; a reorder that moves the work
 *                     makes the checkpoint invalid
 */
public record Checkpoint(String id, String workflowId, String workId, int workSequence, String repository,
                         String commitSha, boolean valid, Instant createdAt, Instant invalidatedAt) {
}
