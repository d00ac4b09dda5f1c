package dev.baton.spec;

import dev.baton.workflow.TaskStatus;

import java.time.Instant;
import java.util.Objects;

/**
 * A task as the spec file states it; its order is its position among the tasks of the same work.
 *
 * @param id         null when the file leaves it out ({@code tk-…} is generated when the workflow is built)
 * @param work       the work reference as written: a work id, or the name of a work without an id
 * @param workIndex  the position in {@code works} that {@code work} resolved to
 * @param assignedTo an outside agent id, may be null
 * @param startedAt  may be null
 */
public record TaskSpec(String id, String work, int workIndex, String query, String assignedTo, TaskStatus status, Instant startedAt) {

    public TaskSpec {
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(status, "status");
        if (workIndex < 0) throw new IllegalArgumentException("workIndex must not be negative");
    }
}
