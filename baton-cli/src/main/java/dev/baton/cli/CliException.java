package dev.baton.cli;

/** A failure the CLI detects itself (unreadable spec file, refused confirmation) with the exit code to use. */
public final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
