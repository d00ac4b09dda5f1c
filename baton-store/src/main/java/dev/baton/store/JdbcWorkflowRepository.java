package dev.baton.store;

import dev.baton.workflow.Checkpoint;
import dev.baton.workflow.Report;
import dev.baton.workflow.Task;
import dev.baton.workflow.Work;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowRepository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@link WorkflowRepository} on SQLite or PostgreSQL. Thread-safe; create one per {@link Database}.
 * Instants are kept to the microsecond. SQL failures surface as {@code BatonException}s: duplicate ids as
 * Conflict, stale versions as Conflict ({@code workflow|work|task.stale-version}), vanished rows as NotFound,
 * a busy or unreachable database as Transient.
 */
public final class JdbcWorkflowRepository implements WorkflowRepository {
    private final AggregateWriter writer;
    private final AggregateReader reader;
    private final ArtifactTables artifacts;

    public JdbcWorkflowRepository(Database database) {
        StoreJdbc jdbc = database.jdbc();
        this.writer = new AggregateWriter(jdbc);
        this.reader = new AggregateReader(jdbc);
        this.artifacts = new ArtifactTables(jdbc);
    }

    @Override
    public void create(Workflow workflow) {
        writer.create(workflow);
    }

    @Override
    public Optional<Workflow> find(String workflowId) {
        return reader.find(workflowId);
    }

    @Override
    public List<Workflow> list(WorkflowQuery query) {
        return reader.list(query);
    }

    @Override
    public Workflow save(Workflow workflow) {
        return writer.save(workflow);
    }

    @Override
    public Work save(Work work) {
        return writer.save(work);
    }

    @Override
    public Task save(Task task) {
        return writer.save(task);
    }

    @Override
    public void delete(String workflowId) {
        writer.delete(workflowId);
    }

    @Override
    public Checkpoint addCheckpoint(Checkpoint checkpoint) {
        return artifacts.addCheckpoint(checkpoint);
    }

    @Override
    public List<Checkpoint> checkpoints(String workflowId) {
        return artifacts.checkpoints(workflowId);
    }

    @Override
    public void invalidateCheckpoints(String workflowId, List<String> checkpointIds, Instant at) {
        artifacts.invalidateCheckpoints(workflowId, checkpointIds, at);
    }

    @Override
    public int deleteInvalidCheckpoints(Instant invalidatedBefore) {
        return artifacts.deleteInvalidCheckpoints(invalidatedBefore);
    }

    @Override
    public int deleteInvalidCheckpoints(String workflowId) {
        return artifacts.deleteInvalidCheckpoints(workflowId);
    }

    @Override
    public java.util.Map<String, Integer> invalidCheckpointCountsOver(int limit) {
        return artifacts.invalidCheckpointCountsOver(limit);
    }

    @Override
    public Report addReport(Report report) {
        return artifacts.addReport(report);
    }

    @Override
    public List<Report> reports(String workflowId) {
        return artifacts.reports(workflowId);
    }
}
