package dev.baton.worker;

import dev.baton.agent.AgentProfile;
import dev.baton.agent.AgentResult;
import dev.baton.grpc.v1.TaskResult;

import java.time.Duration;

/**
 * The one translation between the agent port's records and the control stream's messages, shared by the
 * server (which sends profiles and reads results) and the worker (which does the opposite), so both ends
 * agree field by field.
 */
public final class AgentMessages {

    /** In the error of a RunTask for a session the worker does not hold (it restarted): the server re-places it. */
    public static final String NO_SUCH_SESSION = "has no running session";

    private AgentMessages() {
    }

    public static dev.baton.grpc.v1.AgentProfile toProto(AgentProfile profile) {
        var b = dev.baton.grpc.v1.AgentProfile.newBuilder()
                .setName(profile.name())
                .setMode(profile.mode() == AgentProfile.AgentMode.SESSION
                        ? dev.baton.grpc.v1.AgentProfile.Mode.SESSION : dev.baton.grpc.v1.AgentProfile.Mode.ONESHOT)
                .addAllCommand(profile.command())
                .putAllEnv(profile.env());
        if (profile.input() != null) {
            b.setInput(profile.input() == AgentProfile.QueryInput.STDIN
                    ? dev.baton.grpc.v1.AgentProfile.Input.STDIN : dev.baton.grpc.v1.AgentProfile.Input.ARGUMENT);
        }
        if (profile.defaultModel() != null) b.setDefaultModel(profile.defaultModel());
        return b.build();
    }

    /** The profile a worker runs; the timeouts travel in StartAgent, already resolved by the engine. */
    public static AgentProfile fromProto(dev.baton.grpc.v1.AgentProfile p, Duration startTimeout, Duration queryTimeout) {
        AgentProfile.AgentMode mode = p.getMode() == dev.baton.grpc.v1.AgentProfile.Mode.SESSION
                ? AgentProfile.AgentMode.SESSION : AgentProfile.AgentMode.ONESHOT;
        AgentProfile.QueryInput input = switch (p.getInput()) {
            case STDIN -> AgentProfile.QueryInput.STDIN;
            case ARGUMENT -> AgentProfile.QueryInput.ARGUMENT;
            default -> null;
        };
        return new AgentProfile(p.getName(), mode, p.getCommandList(), input, p.getEnvMap(),
                emptyToNull(p.getDefaultModel()), startTimeout, queryTimeout);
    }

    public static TaskResult toProto(String sessionId, String taskId, AgentResult r) {
        var b = TaskResult.newBuilder().setSessionId(sessionId).setTaskId(taskId)
                .setOutcome(TaskResult.Outcome.valueOf(r.outcome().name()))
                .setExitCode(r.exitCode())
                .setDurationMs(r.duration() == null ? 0 : r.duration().toMillis());
        if (r.output() != null) b.setOutput(r.output());
        if (r.stderrTail() != null) b.setStderrTail(r.stderrTail());
        if (r.error() != null) b.setError(r.error());
        return b.build();
    }

    public static AgentResult fromProto(TaskResult r) {
        AgentResult.Outcome outcome = switch (r.getOutcome()) {
            case SUCCEEDED -> AgentResult.Outcome.SUCCEEDED;
            case FAILED -> AgentResult.Outcome.FAILED;
            case TIMED_OUT -> AgentResult.Outcome.TIMED_OUT;
            case STOPPED -> AgentResult.Outcome.STOPPED;
            case START_FAILED -> AgentResult.Outcome.START_FAILED;
            default -> AgentResult.Outcome.FAILED;
        };
        return new AgentResult(outcome, r.getExitCode(), r.getOutput(), r.getStderrTail(),
                Duration.ofMillis(r.getDurationMs()), emptyToNull(r.getError()));
    }

    /** Proto strings are never null; unset is empty. */
    public static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    public static Duration millisOrNull(long millis) {
        return millis > 0 ? Duration.ofMillis(millis) : null;
    }
}
