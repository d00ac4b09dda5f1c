package dev.baton.worker.logs;

import dev.baton.agent.AgentStart;

/**
 * Where a worker puts every line its agents print. The implementation assigns the stream sequence number
 * and the timestamp at this call, buffers (memory, then disk), and ships to the server; it never blocks the
 * agent's output pump for long and never loses a line silently.
 */
public interface AgentLogSink {

    /**
     * @param workflowId the workflow the agent works for
     * @param taskId     the task whose query is running, or empty between tasks
     * @param partial    true for every piece of a line too long to send whole except its last piece
     */
    void line(String workflowId, String taskId, AgentStart.Source source, String line, boolean partial);
}
