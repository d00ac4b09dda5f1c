package dev.baton.agent;

/** Port: starts agents. The engine and remote workers share the same implementation (one code path). */
public interface AgentLauncher {

    /**
     * Starts an agent for one work. In SESSION mode the process starts now (and must be alive within the
     * start timeout); in ONESHOT mode each {@link AgentSession#query} starts its own process.
     */
    AgentSession start(AgentStart start);
}
