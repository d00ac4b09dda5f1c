package dev.baton.spec;

import java.util.Arrays;
import java.util.Optional;

/** What became of a submitted diff; {@link #word()} is how the spec file writes it. */
public enum SubmissionStatus {
    /** Written by a worker, not yet looked at by the git manager. */
    PENDING("pending"),
    /** Applied to the workflow's branch and committed. */
    APPLIED("applied"),
    /** Could not be applied; {@code reason} says why. */
    FAILED("failed");

    private final String word;

    SubmissionStatus(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    public static Optional<SubmissionStatus> fromWord(String word) {
        return Arrays.stream(values()).filter(s -> s.word.equalsIgnoreCase(word) || s.name().equalsIgnoreCase(word)).findFirst();
    }
}
