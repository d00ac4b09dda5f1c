package dev.baton.agent;

import java.util.OptionalLong;

/** A started agent for one work. Thread-safe: {@link #stop()} may be called while a query blocks. */
public interface AgentSession extends AutoCloseable {

    /**
     * Sends one query and waits for its answer, at most the query timeout. Never throws for agent
     * misbehaviour: a non-zero exit, a timeout or a stop are reported in the result.
     */
    AgentResult query(String taskId, String query) throws InterruptedException;

    /** Stops the whole process tree: SIGTERM, then SIGKILL after the stop timeout. Idempotent. */
    void stop();

    /** PID of the running agent process, if one is running now. */
    OptionalLong pid();

    @Override
    default void close() {
        stop();
    }
}
