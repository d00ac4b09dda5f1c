package dev.baton.workflow;

import static dev.baton.workflow.WorkStatus.*;

public enum WorkStatus {
    PENDING, RUNNING, COMPLETED, FAILED, CANCELLED;

    public static final TransitionTable<WorkStatus> TRANSITIONS = TransitionTable.of("work", WorkStatus.class)
            .from(PENDING, RUNNING, CANCELLED)
            // RUNNING → PENDING is a pause or a crash: the work starts again from its last checkpoint.
            .from(RUNNING, COMPLETED, FAILED, CANCELLED, PENDING)
            // COMPLETED → PENDING when a reorder invalidates the work's checkpoint.
            .from(COMPLETED, PENDING)
            .from(FAILED, PENDING, CANCELLED)
            .build();
}
