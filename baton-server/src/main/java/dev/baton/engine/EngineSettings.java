package dev.baton.engine;

import java.time.Duration;

/** The engine's limits and timeouts (seed 001 §8.1: WORKFLOW_MAX_CONCURRENT, AGENT_*). */
public record EngineSettings(int workflowMaxConcurrent, int agentMaxConcurrent, Duration agentStartTimeout,
                             Duration agentQueryTimeout, Duration agentStopTimeout) {

    public static EngineSettings defaults() {
        return new EngineSettings(10, 20, Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofSeconds(30));
    }

    public EngineSettings withQueryTimeout(Duration d) {
        return new EngineSettings(workflowMaxConcurrent, agentMaxConcurrent, agentStartTimeout, d, agentStopTimeout);
    }

    public EngineSettings withStopTimeout(Duration d) {
        return new EngineSettings(workflowMaxConcurrent, agentMaxConcurrent, agentStartTimeout, agentQueryTimeout, d);
    }
}
