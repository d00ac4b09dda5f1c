package dev.baton.workflow;

import java.time.Instant;

/** The markdown file a finished task leaves in the workflow's reports folder. */
public record Report(String id, String workflowId, String workId, String taskId, String path, Instant createdAt) {
}
