package dev.baton.workflow;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A named run over one or more git repositories: the aggregate root.
 *
 * @param correlationId shared by every log line, event, span and agent process of the run
 * @param specPath      the spec file this workflow was created from (its file form), may be null
 * @param works         ordered by {@link Work#sequence()}
 * @param version       optimistic-concurrency version of the workflow row
 */
public record Workflow(String id, String name, WorkflowStatus status, String correlationId,
                       List<RepositoryRef> repositories, List<Work> works, String specPath, long version,
                       Instant createdAt, Instant updatedAt, Instant startedAt, Instant finishedAt, String error) {

    public Workflow {
        repositories = List.copyOf(repositories);
        works = works.stream().sorted(Comparator.comparingInt(Work::sequence)).toList();
    }

    public Workflow moveTo(WorkflowStatus next, Instant at) {
        WorkflowStatus.TRANSITIONS.require(id, status, next);
        Instant started = next == WorkflowStatus.RUNNING && startedAt == null ? at : startedAt;
        Instant finished = next == WorkflowStatus.COMPLETED || next == WorkflowStatus.FAILED || next == WorkflowStatus.CANCELLED ? at : null;
        String why = next == WorkflowStatus.FAILED ? error : null;
        return new Workflow(id, name, next, correlationId, repositories, works, specPath, version, createdAt, at, started, finished, why);
    }

    public Workflow failed(String why, Instant at) {
        Workflow w = moveTo(WorkflowStatus.FAILED, at);
        return new Workflow(id, name, w.status, correlationId, repositories, works, specPath, version, createdAt, at, startedAt, at, why);
    }

    public Workflow withWorks(List<Work> ws) {
        return new Workflow(id, name, status, correlationId, repositories, ws, specPath, version, createdAt, updatedAt, startedAt, finishedAt, error);
    }

    public Workflow withVersion(long v) {
        return new Workflow(id, name, status, correlationId, repositories, works, specPath, v, createdAt, updatedAt, startedAt, finishedAt, error);
    }

    public Optional<Work> work(String workId) {
        return works.stream().filter(w -> w.id().equals(workId)).findFirst();
    }

    public int taskCount() {
        return works.stream().mapToInt(w -> w.tasks().size()).sum();
    }
}
