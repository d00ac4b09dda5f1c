package dev.baton.workflow;

import java.util.List;

/** Port: the persistent, append-only log of domain events. */
public interface EventLog {

    /** Appends and returns the global sequence number the event got. */
    long append(WorkflowEvent event);

    /** Events of one workflow with a sequence greater than {@code afterSequence}, oldest first. */
    List<StoredEvent> read(String workflowId, long afterSequence, int limit);

    /**
     * @param payload the event's fields as JSON
     */
    record StoredEvent(long sequence, String workflowId, String type, String correlationId, java.time.Instant occurredAt, String payload) {
    }
}
