package dev.baton.worker;

import dev.baton.agent.AgentStart;
import dev.baton.worker.logs.AgentLogSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Placeholder sink until the log stream is wired: agent lines go to this worker's own log at DEBUG. */
public final class DebugAgentLogSink implements AgentLogSink {
    private static final Logger log = LoggerFactory.getLogger("dev.baton.worker.agent-output");

    @Override
    public void line(String workflowId, String taskId, AgentStart.Source source, String line, boolean partial) {
        log.debug("[{} {}] {}: {}", workflowId, taskId, source, line);
    }
}
