package dev.baton.workflow;

import static dev.baton.workflow.WorkflowStatus.*;

/** CREATED → READY → RUNNING ⇄ PAUSED → COMPLETED | FAILED | CANCELLED (DESIGN.md). */
public enum WorkflowStatus {
    CREATED, READY, RUNNING, PAUSED, COMPLETED, FAILED, CANCELLED;

    public static final TransitionTable<WorkflowStatus> TRANSITIONS = TransitionTable.of("workflow", WorkflowStatus.class)
            .from(CREATED, READY, CANCELLED)
            .from(READY, RUNNING, CANCELLED)
            .from(RUNNING, PAUSED, COMPLETED, FAILED, CANCELLED)
            .from(PAUSED, RUNNING, CANCELLED)
            // A failed workflow may be resumed: it restarts after its last valid checkpoint.
            .from(FAILED, RUNNING, CANCELLED)
            .build();

    public boolean isFinal() {
        return this == COMPLETED || this == CANCELLED;
    }

    /** Statuses whose works may be reordered: nothing is executing and the run is not over. */
    public boolean allowsReorder() {
        return this == CREATED || this == READY || this == PAUSED || this == FAILED;
    }
}
