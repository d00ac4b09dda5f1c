package dev.baton.agent;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How to run one kind of agent. The command is an argv template, never a shell string: each element is
 * one argument, and the placeholders {@code {query}}, {@code {model}}, {@code {workspace}} are replaced
 * inside elements without any shell parsing, so a query can never inject a command.
 *
 * @param mode         ONESHOT: one process per task; SESSION: one process per work fed one JSON line per task
 * @param input        ARGUMENT: the query is substituted into argv; STDIN: written to the process's stdin
 *                     (ONESHOT only; SESSION always uses stdin JSON lines)
 * @param env          extra environment for the process (values may be secrets: never logged unmasked)
 * @param defaultModel used for {@code {model}} when the work names none, may be null
 * @param startTimeout null means the engine's AGENT_START_TIMEOUT_MS
 * @param queryTimeout null means the engine's AGENT_QUERY_TIMEOUT_MS
 */
public record AgentProfile(String name, AgentMode mode, List<String> command, QueryInput input,
                           Map<String, String> env, String defaultModel, Duration startTimeout, Duration queryTimeout) {

    public AgentProfile {
        command = List.copyOf(command);
        env = Map.copyOf(env);
    }

    public enum AgentMode { ONESHOT, SESSION }

    public enum QueryInput { ARGUMENT, STDIN }
}
