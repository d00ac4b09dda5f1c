package dev.baton.agent.process;

import dev.baton.agent.AgentResult;
import dev.baton.agent.AgentResult.Outcome;

import java.time.Duration;

/** The results an agent session can produce, with their error texts in one place. */
final class Results {
    /** exitCode of a result whose process did not exit on its own. */
    static final int NO_EXIT_CODE = -1;

    private Results() {
    }

    static AgentResult exited(int exitCode, String output, String stderrTail, Duration duration) {
        return exitCode == 0
                ? new AgentResult(Outcome.SUCCEEDED, 0, output, stderrTail, duration, null)
                : new AgentResult(Outcome.FAILED, exitCode, output, stderrTail, duration, "agent exited with code " + exitCode);
    }

    static AgentResult answered(boolean isError, String subtype, String output, String stderrTail, Duration duration) {
        if (!isError) return new AgentResult(Outcome.SUCCEEDED, 0, output, stderrTail, duration, null);
        String error = "agent reported an error" + (subtype == null || subtype.isEmpty() ? "" : " (" + subtype + ")");
        return new AgentResult(Outcome.FAILED, 1, output, stderrTail, duration, error);
    }

    static AgentResult exitedWithoutAnswer(int exitCode, String stderrTail, Duration duration) {
        return new AgentResult(Outcome.FAILED, exitCode, "", stderrTail, duration,
                "agent process exited with code " + exitCode + " before answering");
    }

    static AgentResult timedOut(Duration timeout, String output, String stderrTail, Duration duration) {
        return new AgentResult(Outcome.TIMED_OUT, NO_EXIT_CODE, output, stderrTail, duration,
                "no answer within " + seconds(timeout) + "; the agent's process tree was killed");
    }

    static AgentResult stopped(String output, String stderrTail, Duration duration) {
        return new AgentResult(Outcome.STOPPED, NO_EXIT_CODE, output, stderrTail, duration, "agent stopped");
    }

    static AgentResult startFailed(int exitCode, String error, String stderrTail, Duration duration) {
        return new AgentResult(Outcome.START_FAILED, exitCode, "", stderrTail, duration, error);
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
