package dev.baton.cli.client;

import java.time.Instant;

/** A commit taken after a work, as listed by {@code GET /workflows/{id}/checkpoints}. */
public record CheckpointView(String id, String workflowId, String workId, int workSequence, String repository,
                             String commitSha, boolean valid, Instant createdAt, Instant invalidatedAt) {
}
