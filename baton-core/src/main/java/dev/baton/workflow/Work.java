package dev.baton.workflow;

import dev.baton.mcp.McpServerRef;

import java.time.Instant;
import java.util.List;

/**
 * An ordered step of a workflow, run by one agent profile in its own WorkSpace.
 *
 * @param sequence   0-based position in the workflow; checkpoints remember the sequence they were taken at
 * @param agent      name of the agent profile
 * @param model      model passed to the agent ({@code {model}}), may be null
 * @param mcpServers MCP servers this work adds to the global ones (a reference of a global one replaces it), with their envOverrides
 */
public record Work(String id, String workflowId, int sequence, String name, String agent, String model,
                   List<McpServerRef> mcpServers, WorkStatus status, List<Task> tasks, long version,
                   Instant startedAt, Instant finishedAt, String error) {

    public Work {
        mcpServers = List.copyOf(mcpServers);
        tasks = List.copyOf(tasks);
    }

    public Work moveTo(WorkStatus next) {
        WorkStatus.TRANSITIONS.require(id, status, next);
        return new Work(id, workflowId, sequence, name, agent, model, mcpServers, next, tasks, version, startedAt, finishedAt, error);
    }

    public Work started(Instant at) {
        return moveTo(WorkStatus.RUNNING).with(at, null, null);
    }

    public Work finished(WorkStatus outcome, Instant at, String why) {
        return moveTo(outcome).with(startedAt, at, why);
    }

    public Work reset() {
        if (status == WorkStatus.PENDING) return this;
        return moveTo(WorkStatus.PENDING).with(null, null, null);
    }

    private Work with(Instant started, Instant finished, String why) {
        return new Work(id, workflowId, sequence, name, agent, model, mcpServers, status, tasks, version, started, finished, why);
    }

    public Work withSequence(int seq) {
        return new Work(id, workflowId, seq, name, agent, model, mcpServers, status, tasks, version, startedAt, finishedAt, error);
    }

    public Work withTasks(List<Task> ts) {
        return new Work(id, workflowId, sequence, name, agent, model, mcpServers, status, ts, version, startedAt, finishedAt, error);
    }

    public Work withVersion(long v) {
        return new Work(id, workflowId, sequence, name, agent, model, mcpServers, status, tasks, v, startedAt, finishedAt, error);
    }
}
