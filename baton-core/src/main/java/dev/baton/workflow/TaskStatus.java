package dev.baton.workflow;

import dev.baton.shared.BatonException;

import java.util.Arrays;

import static dev.baton.workflow.TaskStatus.*;

/** Task statuses; {@link #word()} is how a spec file writes them (seed 000's words). */
public enum TaskStatus {
    PENDING("pending"), IN_PROGRESS("in-progress"), COMPLETED("completed"), FAILED("failed"), CANCELLED("cancelled");

    public static final TransitionTable<TaskStatus> TRANSITIONS = TransitionTable.of("task", TaskStatus.class)
            .from(PENDING, IN_PROGRESS, COMPLETED, FAILED, CANCELLED)
            .from(IN_PROGRESS, COMPLETED, FAILED, CANCELLED, PENDING)
            .from(COMPLETED, PENDING)
            .from(FAILED, PENDING, CANCELLED)
            .from(CANCELLED, PENDING)
            .build();

    private final String word;

    TaskStatus(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    public static TaskStatus fromWord(String word) {
        return Arrays.stream(values())
                .filter(s -> s.word.equalsIgnoreCase(word) || s.name().equalsIgnoreCase(word))
                .findFirst()
                .orElseThrow(() -> new BatonException.Invalid("task.status.unknown",
                        "unknown task status '" + word + "' (expected one of pending, in-progress, completed, failed, cancelled)"));
    }
}
