package dev.baton.spec.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one writer wants to change in a spec file, stated against the values it read (the base). Because each
 * change carries its base value, two writers that touched different tasks or fields merge without either
 * knowing about the other, and a real clash can be reported with both values.
 */
public record SpecPatch(List<TaskChange> tasks, List<SubmissionChange> submissions) {

    public SpecPatch {
        tasks = List.copyOf(tasks);
        submissions = List.copyOf(submissions);
    }

    /**
     * @param from the value the writer read (null = absent)
     * @param to   the value it wants (null = remove the field)
     */
    public record TaskChange(String taskId, TaskField field, String from, String to) {
        public TaskChange {
            Objects.requireNonNull(taskId, "taskId");
            Objects.requireNonNull(field, "field");
        }
    }

    public sealed interface SubmissionChange {
        String taskId();

        String path();
    }

    /** A worker's new diff; adding the same task and path twice is one entry. */
    public record AddSubmission(String taskId, String path, Instant timestamp) implements SubmissionChange {
    }

    /** The git manager's verdict on a submitted diff. */
    public record SubmissionOutcome(String taskId, String path, String status, String commit, String reason) implements SubmissionChange {
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean isEmpty() {
        return tasks.isEmpty() && submissions.isEmpty();
    }

    public static final class Builder {
        private final List<TaskChange> tasks = new ArrayList<>();
        private final List<SubmissionChange> submissions = new ArrayList<>();

        public Builder task(String taskId, TaskField field, String from, String to) {
            tasks.add(new TaskChange(taskId, field, from, to));
            return this;
        }

        public Builder submission(SubmissionChange change) {
            submissions.add(change);
            return this;
        }

        public SpecPatch build() {
            return new SpecPatch(tasks, submissions);
        }
    }
}
