package dev.baton.agent.process;

import dev.baton.agent.AgentLauncher;
import dev.baton.agent.AgentProfile;
import dev.baton.agent.AgentProfile.AgentMode;
import dev.baton.agent.AgentProfile.QueryInput;
import dev.baton.agent.AgentSession;
import dev.baton.agent.AgentStart;
import dev.baton.shared.BatonException;

import java.util.Objects;

/**
 * Runs agents as local processes, never through a shell: the profile's argv template is filled in
 * element by element and executed directly, in the workspace, with the inherited environment plus the
 * profile's and the start's variables.
 *
 * <p>Agent misbehaviour never throws: a program that cannot be executed answers START_FAILED (from the
 * first query, in both modes), a non-zero exit FAILED, a hang TIMED_OUT, a stop STOPPED. {@link #start}
 * throws only {@link BatonException.Invalid} for a profile that cannot work at all.
 */
public final class ProcessAgentLauncher implements AgentLauncher {
    /** Most characters of an answer kept in {@code AgentResult.output}; the middle of longer ones is left out. */
    public static final int DEFAULT_OUTPUT_LIMIT_CHARS = 1024 * 1024;

    private final AgentProcessRegistry registry;
    private final int outputLimitChars;

    public ProcessAgentLauncher(AgentProcessRegistry registry, int outputLimitChars) {
        this.registry = Objects.requireNonNull(registry, "registry");
        if (outputLimitChars < 1024) throw new IllegalArgumentException("outputLimitChars must be at least 1024");
        this.outputLimitChars = outputLimitChars;
    }

    public ProcessAgentLauncher(AgentProcessRegistry registry) {
        this(registry, DEFAULT_OUTPUT_LIMIT_CHARS);
    }

    /** A launcher without orphan records, for tools and tests. */
    public ProcessAgentLauncher() {
        this(AgentProcessRegistry.disabled());
    }

    /**
     * ONESHOT: returns at once, each query starts a process. SESSION: starts the process now and returns
     * without waiting for it; if it cannot be executed or dies within the start timeout before its first
     * answer, the first query answers START_FAILED (with the exit code and stderr tail).
     *
     * @throws BatonException.Invalid when the profile's command cannot be used in its mode
     */
    @Override
    public AgentSession start(AgentStart start) {
        Objects.requireNonNull(start, "start");
        validate(start.profile());
        Launch launch = new Launch(start, registry);
        if (start.profile().mode() == AgentMode.SESSION) {
            StreamJsonSession session = new StreamJsonSession(launch, outputLimitChars);
            session.startEagerly();
            return session;
        }
        return new OneshotSession(launch, outputLimitChars);
    }

    private static void validate(AgentProfile profile) {
        if (profile.command().isEmpty() || profile.command().getFirst().isBlank()) {
            throw invalid(profile, "has an empty command");
        }
        boolean takesQuery = ArgvTemplate.uses(profile.command(), ArgvTemplate.QUERY);
        if (profile.mode() == AgentMode.SESSION && takesQuery) {
            throw invalid(profile, "runs in session mode, where queries go to stdin as JSON lines, but its command contains {query}");
        }
        if (profile.mode() == AgentMode.ONESHOT && profile.input() == QueryInput.ARGUMENT && !takesQuery) {
            throw invalid(profile, "takes its query as an argument but no element of its command contains {query}");
        }
        if (profile.mode() == AgentMode.ONESHOT && profile.input() == QueryInput.STDIN && takesQuery) {
            throw invalid(profile, "reads its query from stdin but its command also contains {query}");
        }
    }

    private static BatonException.Invalid invalid(AgentProfile profile, String what) {
        return new BatonException.Invalid("agent.invalid-profile", "agent profile '" + profile.name() + "' " + what);
    }
}
