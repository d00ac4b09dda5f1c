package dev.baton.cli.client;

/** The server answered with an error status; {@link #problem()} holds its problem+json (or a synthesized one). */
public final class BatonApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Problem problem;
    private final String fallbackFile;

    public BatonApiException(int status, Problem problem, String fallbackFile) {
        super("HTTP " + status + ": " + problem.summary());
        this.status = status;
        this.problem = problem;
        this.fallbackFile = fallbackFile;
    }

    public int status() {
        return status;
    }

    public Problem problem() {
        return problem;
    }

    /** The local file that problems without a {@code file} refer to (the spec sent by {@code baton run}). */
    public String fallbackFile() {
        return fallbackFile;
    }

    public BatonApiException withFallbackFile(String file) {
        return new BatonApiException(status, problem, file);
    }
}
