package dev.baton.shared;

/**
 * The one failure taxonomy. Every transport maps these four kinds once (HTTP problem+json,
 * gRPC status, CLI exit code); nothing else decides how an error looks to a caller.
 */
public abstract sealed class BatonException extends RuntimeException
        permits BatonException.NotFound, BatonException.Conflict, BatonException.Invalid, BatonException.Transient {

    private final String code;

    protected BatonException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** Stable machine-readable code, e.g. {@code workflow.not-found}. */
    public String code() {
        return code;
    }

    /** The thing asked for does not exist. */
    public static final class NotFound extends BatonException {
        public NotFound(String code, String message) {
            super(code, message, null);
        }
    }

    /** The request is valid but clashes with the current state (illegal transition, stale version, duplicate id). */
    public static final class Conflict extends BatonException {
        private final java.util.List<Problem> problems;

        public Conflict(String code, String message) {
            this(code, message, java.util.List.of());
        }

        /** @param problems one per clashing field, each saying both values */
        public Conflict(String code, String message, java.util.List<Problem> problems) {
            super(code, message, null);
            this.problems = java.util.List.copyOf(problems);
        }

        public java.util.List<Problem> problems() {
            return problems;
        }
    }

    /** The input itself is wrong; {@link #problems()} says what and where. */
    public static final class Invalid extends BatonException {
        private final java.util.List<Problem> problems;

        public Invalid(String code, String message, java.util.List<Problem> problems) {
            super(code, message, null);
            this.problems = java.util.List.copyOf(problems);
        }

        public Invalid(String code, String message) {
            this(code, message, java.util.List.of());
        }

        public java.util.List<Problem> problems() {
            return problems;
        }
    }

    /** Something outside failed for now (database busy, git timed out); trying again may work. */
    public static final class Transient extends BatonException {
        public Transient(String code, String message, Throwable cause) {
            super(code, message, cause);
        }
    }
}
