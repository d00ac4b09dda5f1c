package dev.baton.workflow;

import java.time.Instant;

/**
 * One query sent to a work's agent.
 *
 * @param id         unique inside its workflow ({@code tk-…}, or the spec's own id such as {@code TASK-001})
 * @param assignedTo an outside agent id (seed 000's multi-agent mode), or null when Baton's work agent runs it
 * @param exitCode   the agent's exit status for this query, null until answered
 * @param version    optimistic-concurrency version of this row
 */
public record Task(String id, String workflowId, String workId, int order, String query, String assignedTo,
                   TaskStatus status, int attempts, Instant startedAt, Instant finishedAt, Integer exitCode,
                   String error, long version) {

    public static Task pending(String id, String workflowId, String workId, int order, String query, String assignedTo) {
        return new Task(id, workflowId, workId, order, query, assignedTo, TaskStatus.PENDING, 0, null, null, null, null, 0);
    }

    public Task moveTo(TaskStatus next) {
        TaskStatus.TRANSITIONS.require(id, status, next);
        return new Task(id, workflowId, workId, order, query, assignedTo, next, attempts, startedAt, finishedAt, exitCode, error, version);
    }

    public Task started(Instant at) {
        Task t = moveTo(TaskStatus.IN_PROGRESS);
        return new Task(id, workflowId, workId, order, query, assignedTo, t.status, attempts + 1, at, null, null, null, version);
    }

    public Task finished(TaskStatus outcome, Instant at, Integer exit, String why) {
        Task t = moveTo(outcome);
        return new Task(id, workflowId, workId, order, query, assignedTo, t.status, attempts, startedAt, at, exit, why, version);
    }

    /** Back to PENDING with the last run's timings cleared (pause, crash, invalidated checkpoint). */
    public Task reset() {
        if (status == TaskStatus.PENDING) return this;
        Task t = moveTo(TaskStatus.PENDING);
        return new Task(id, workflowId, workId, order, query, assignedTo, t.status, attempts, null, null, null, null, version);
    }

    public Task withVersion(long v) {
        return new Task(id, workflowId, workId, order, query, assignedTo, status, attempts, startedAt, finishedAt, exitCode, error, v);
    }

    public Task withAssignedTo(String agent) {
        return new Task(id, workflowId, workId, order, query, agent, status, attempts, startedAt, finishedAt, exitCode, error, version);
    }

    public Task withWorkId(String w) {
        return new Task(id, workflowId, w, order, query, assignedTo, status, attempts, startedAt, finishedAt, exitCode, error, version);
    }
}
