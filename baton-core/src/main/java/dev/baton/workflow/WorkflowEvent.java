package dev.baton.workflow;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Domain events of a workflow run. Every event carries the run's correlationId so that
 * {@code WorkflowStarted → … → WorkflowCompleted} can be followed by one id (seed 001 §1.3).
 */
public sealed interface WorkflowEvent {
    String workflowId();

    String correlationId();

    Instant occurredAt();

    /** The event name written to logs, the event log and the bus. */
    default String type() {
        return getClass().getSimpleName();
    }

    record WorkflowCreated(String workflowId, String correlationId, Instant occurredAt, String name, int workCount, int taskCount) implements WorkflowEvent {}

    record WorkflowStarted(String workflowId, String correlationId, Instant occurredAt, int fromSequence) implements WorkflowEvent {}

    record WorkflowPaused(String workflowId, String correlationId, Instant occurredAt, String reason) implements WorkflowEvent {}

    record WorkflowResumed(String workflowId, String correlationId, Instant occurredAt, int fromSequence) implements WorkflowEvent {}

    record WorkflowCancelled(String workflowId, String correlationId, Instant occurredAt) implements WorkflowEvent {}

    record WorkflowCompleted(String workflowId, String correlationId, Instant occurredAt, long durationMs) implements WorkflowEvent {}

    record WorkflowFailed(String workflowId, String correlationId, Instant occurredAt, String error) implements WorkflowEvent {}

    record WorkflowDeleted(String workflowId, String correlationId, Instant occurredAt) implements WorkflowEvent {}

    record WorkStarted(String workflowId, String correlationId, Instant occurredAt, String workId, int sequence) implements WorkflowEvent {}

    record WorkCompleted(String workflowId, String correlationId, Instant occurredAt, String workId, int sequence, long durationMs) implements WorkflowEvent {}

    record WorkFailed(String workflowId, String correlationId, Instant occurredAt, String workId, int sequence, String error) implements WorkflowEvent {}

    record QuerySent(String workflowId, String correlationId, Instant occurredAt, String workId, String taskId, int queryLength) implements WorkflowEvent {}

    record QueryResponded(String workflowId, String correlationId, Instant occurredAt, String workId, String taskId, int exitCode, long durationMs) implements WorkflowEvent {}

    record TaskFailed(String workflowId, String correlationId, Instant occurredAt, String workId, String taskId, String error) implements WorkflowEvent {}

    record ReportGenerated(String workflowId, String correlationId, Instant occurredAt, String workId, String taskId, String reportId, String path) implements WorkflowEvent {}

    record CheckpointCreated(String workflowId, String correlationId, Instant occurredAt, String workId, int sequence, Map<String, String> commits) implements WorkflowEvent {}

    record CheckpointsInvalidated(String workflowId, String correlationId, Instant occurredAt, List<String> checkpointIds) implements WorkflowEvent {}

    /** An outside agent's edit of the spec file, taken over into the database (field: status or assignedTo). */
    record TaskUpdatedFromSpec(String workflowId, String correlationId, Instant occurredAt, String taskId, String field, String from, String to) implements WorkflowEvent {}

    /** The git manager's verdict on a submitted diff: {@code commit} when applied, else {@code reason}. */
    record DiffSubmissionHandled(String workflowId, String correlationId, Instant occurredAt, String taskId, String path, String outcome,
                                 String commit, String reason) implements WorkflowEvent {}

    record WorksReordered(String workflowId, String correlationId, Instant occurredAt, List<String> workIds) implements WorkflowEvent {}
}
