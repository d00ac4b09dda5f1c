package dev.baton.cli;

/** The CLI's exit statuses; scripts branch on them, so they never change meaning. */
public final class ExitCodes {

    public static final int OK = 0;
    /** A followed workflow ended FAILED or CANCELLED. */
    public static final int WORKFLOW_FAILED = 1;
    /** Bad command line (picocli's own default for usage errors). */
    public static final int USAGE = 2;
    /** HTTP 404: no such workflow, report, … */
    public static final int NOT_FOUND = 3;
    /** HTTP 409: the request clashes with the workflow's state (e.g. pausing a COMPLETED run). */
    public static final int CONFLICT = 4;
    /** HTTP 400/422 and other refusals of the request itself (invalid spec, bad token). */
    public static final int INVALID = 5;
    /** Server not running, unreachable, failing (5xx) or answering gibberish: retrying later may help. */
    public static final int UNAVAILABLE = 6;

    private ExitCodes() {
    }

    public static int forHttpStatus(int status) {
        if (status == 404) return NOT_FOUND;
        if (status == 409) return CONFLICT;
        if (status >= 500) return UNAVAILABLE;
        return INVALID;
    }
}
