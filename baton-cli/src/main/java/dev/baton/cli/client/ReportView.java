package dev.baton.cli.client;

import java.time.Instant;

/** A task's markdown report as listed by {@code GET /workflows/{id}/reports}. */
public record ReportView(String id, String workflowId, String workId, String taskId, String path, Instant createdAt) {
}
