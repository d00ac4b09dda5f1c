package dev.baton.worker.logs;

import dev.baton.agent.AgentStart;

/**
 * Connects an agent's output to a log sink: the {@link AgentStart.OutputListener} to give an agent started for
 * one workflow. It overrides the partial-aware method (a lambda cannot), so pieces of long lines keep their flag.
 */
public final class LogSinkListener implements AgentStart.OutputListener {
    private final AgentLogSink sink;
    private final String workflowId;

    private LogSinkListener(AgentLogSink sink, String workflowId) {
        this.sink = sink;
        this.workflowId = workflowId;
    }

    public static AgentStart.OutputListener of(AgentLogSink sink, String workflowId) {
        return new LogSinkListener(sink, workflowId);
    }

    @Override
    public void line(String taskId, AgentStart.Source source, String line) {
        line(taskId, source, line, false);
    }

    @Override
    public void line(String taskId, AgentStart.Source source, String line, boolean partial) {
        sink.line(workflowId, taskId == null ? "" : taskId, source, line, partial);
    }
}
