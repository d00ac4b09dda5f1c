package dev.baton.agent;

import java.time.Duration;

/**
 * The answer to one query.
 *
 * @param exitCode   process exit status (ONESHOT), or 0/1 from the result line's is_error (SESSION); -1 when killed
 * @param output     the agent's answer: ONESHOT its stdout, SESSION the result line's {@code result} text
 * @param stderrTail the last lines of stderr (at most a few KiB), for the report of a failure
 * @param duration   wall time from sending the query to the answer: the agent's own run time
 */
public record AgentResult(Outcome outcome, int exitCode, String output, String stderrTail, Duration duration, String error) {

    public enum Outcome {
        /** Answered, exit status 0. */
        SUCCEEDED,
        /** Answered or exited with a non-zero status. */
        FAILED,
        /** No answer within the query timeout; the process tree was killed. */
        TIMED_OUT,
        /** Stopped from outside (pause, cancel, shutdown) while the query ran. */
        STOPPED,
        /** The process could not be started. */
        START_FAILED
    }

    public boolean succeeded() {
        return outcome == Outcome.SUCCEEDED;
    }
}
