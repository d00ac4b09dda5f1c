package dev.baton.git;

import java.util.List;
import java.util.Objects;

/** What became of a worker's diff: a commit on the workflow's branch, or a reason it was refused. */
public sealed interface DiffOutcome {

    /** @param files the paths the commit changed (a rename counts as its old and its new path) */
    record Applied(String commit, List<String> files) implements DiffOutcome {
        public Applied {
            Objects.requireNonNull(commit, "commit");
            files = List.copyOf(files);
        }
    }

    /** The branch and its worktree are exactly as they were; {@code reason} is meant for the worker. */
    record Rejected(String reason) implements DiffOutcome {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
