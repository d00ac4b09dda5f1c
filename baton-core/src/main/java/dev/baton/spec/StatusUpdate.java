package dev.baton.spec;

import dev.baton.workflow.TaskStatus;

import java.time.Instant;
import java.util.List;

/**
 * What {@link SpecParser#parseStatusUpdate} reads from a spec file an outside agent rewrote: only the parts
 * seed 000's agents touch. Everything else in the file is ignored here.
 *
 * @param id      may be null
 * @param version null when the file has none (an agent that drops or ignores it is still understood)
 * @param status  the informational top-level status word, may be null
 */
public record StatusUpdate(String id, Long version, String status, List<TaskState> tasks, List<Submission> submissions) {

    public StatusUpdate {
        tasks = List.copyOf(tasks);
        submissions = List.copyOf(submissions);
    }

    /**
     * @param status     null when the file does not state one (keep what is known)
     * @param assignedTo may be null
     * @param startedAt  may be null
     */
    public record TaskState(String id, TaskStatus status, String assignedTo, Instant startedAt) {
    }
}
