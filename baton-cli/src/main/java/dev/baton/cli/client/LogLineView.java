package dev.baton.cli.client;

import java.time.Instant;
import java.util.Map;

/** One stored log line as {@code GET /workflows/{id}/logs} returns it. */
public record LogLineView(long offset, Instant timestamp, String workerId, String taskId, String workflowId, String level, String source,
                          String message, Map<String, String> metadata, boolean partial, Gap gap) {

    public record Gap(long droppedLines, long droppedBytes) {
    }
}
