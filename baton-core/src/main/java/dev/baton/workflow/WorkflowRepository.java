package dev.baton.workflow;

import dev.baton.shared.BatonException;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Port: where workflows, their works, tasks, checkpoints and reports are kept.
 * Every {@code save…} is an optimistic write: it succeeds only when the stored version equals the
 * given record's version, and returns the record with the next version.
 */
public interface WorkflowRepository {

    /** Stores a new workflow with all its works and tasks (versions start at 0). @throws BatonException.Conflict on a duplicate id */
    void create(Workflow workflow);

    Optional<Workflow> find(String workflowId);

    default Workflow require(String workflowId) {
        return find(workflowId).orElseThrow(() -> new BatonException.NotFound("workflow.not-found", "no workflow with id '" + workflowId + "'"));
    }

    /** Workflows newest first, with their works and tasks. */
    List<Workflow> list(WorkflowQuery query);

    /** Saves the workflow row only (status, timings, error). @throws BatonException.Conflict when the version is stale */
    Workflow save(Workflow workflow);

    /** Saves the work row only (status, sequence, timings, error). */
    Work save(Work work);

    /** Saves the task row only. */
    Task save(Task task);

    /** Removes the workflow and everything that belongs to it (works, tasks, checkpoints, reports, events). */
    void delete(String workflowId);

    Checkpoint addCheckpoint(Checkpoint checkpoint);

    /** All checkpoints of a workflow, oldest first. */
    List<Checkpoint> checkpoints(String workflowId);

    void invalidateCheckpoints(String workflowId, List<String> checkpointIds, Instant at);

    /** Deletes invalid checkpoints invalidated before the given instant; returns how many. */
    int deleteInvalidCheckpoints(Instant invalidatedBefore);

    /** Deletes every invalid checkpoint of one workflow, however recent; returns how many. */
    int deleteInvalidCheckpoints(String workflowId);

    /** Workflow id → number of its invalid checkpoints, for the workflows holding more than {@code limit}. */
    java.util.Map<String, Integer> invalidCheckpointCountsOver(int limit);

    Report addReport(Report report);

    List<Report> reports(String workflowId);

    /**
     * @param statuses empty means any
     * @param nameContains null means any
     * @param limit at most this many (1..1000)
     */
    record WorkflowQuery(java.util.Set<WorkflowStatus> statuses, String nameContains, int limit, int offset) {
        public static WorkflowQuery all() {
            return new WorkflowQuery(java.util.Set.of(), null, 1000, 0);
        }
    }
}
