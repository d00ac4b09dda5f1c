package dev.baton.engine;

import dev.baton.spec.StatusUpdate;
import dev.baton.workflow.Task;
import dev.baton.workflow.TaskStatus;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowEvent;
import dev.baton.workflow.WorkflowRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Brings what a spec file says into the database: the assignment of every task, and the status of the tasks
 * outside agents carry out. Statuses of the tasks Baton runs are Baton's own; an edit of one is reported and
 * then overwritten by the next rewrite of the file.
 */
@SuppressWarnings("try") // correlation scopes are opened for their effect on the MDC only
public final class SpecProgress {
    private static final Logger log = LoggerFactory.getLogger(SpecProgress.class);
    private final WorkflowRepository repository;
    private final SpecFiles specFiles;
    private final OutsideTasks outside;
    private final EventRecorder events;
    private final Clock clock;

    SpecProgress(WorkflowRepository repository, SpecFiles specFiles, OutsideTasks outside, EventRecorder events, Clock clock) {
        this.repository = repository;
        this.specFiles = specFiles;
        this.outside = outside;
        this.events = events;
        this.clock = clock;
    }

    /** One change taken over from the file, for the log and the caller's metrics. */
    public record Change(String taskId, String field, String from, String to) {
    }

    /**
     * Reads the parts of a spec file that outside agents change.
     *
     * @throws dev.baton.shared.BatonException.Invalid naming file, line and field of every problem
     */
    public StatusUpdate read(String fileName, String content) {
        return specFiles.parseStatusUpdate(fileName, content);
    }

    /**
     * @param byBaton the content was written through Baton's own store: its statuses of Baton's tasks may
     *                already be behind the database, which is no overwrite by anyone
     * @return the changes taken over; empty when the workflow is unknown or nothing differs
     */
    public List<Change> apply(String workflowId, StatusUpdate update, boolean byBaton) {
        Optional<Workflow> found = repository.find(workflowId);
        if (found.isEmpty()) return List.of();
        Workflow wf = found.get();
        List<Change> changes = new ArrayList<>();
        boolean overwritten = false;
        try (var ignored = Correlation.workflow(wf.correlationId(), wf.id())) {
            Map<String, Task> tasks = new HashMap<>();
            wf.works().forEach(w -> w.tasks().forEach(t -> tasks.put(t.id(), t)));
            for (StatusUpdate.TaskState state : update.tasks()) {
                Task task = tasks.get(state.id());
                if (task == null) continue;
                if (!java.util.Objects.equals(task.assignedTo(), state.assignedTo()) && state.assignedTo() != null) {
                    changes.add(new Change(task.id(), "assignedTo", task.assignedTo(), state.assignedTo()));
                    task = repository.save(task.withAssignedTo(state.assignedTo()));
                }
                if (state.status() == null || state.status() == task.status()) continue;
                if (!specFiles.isOutside(task)) {
                    if (byBaton) continue;
                    log.warn("{}: task {} is run by Baton; the file says {} but Baton's status {} stands (the file is rewritten)",
                            workflowId, task.id(), state.status().word(), task.status().word());
                    overwritten = true;
                    continue;
                }
                Task moved = advance(task, state);
                if (moved == null) {
                    log.warn("{}: task {} cannot go from {} to {}; the file's status is ignored", workflowId, task.id(),
                            task.status().word(), state.status().word());
                    continue;
                }
                repository.save(moved);
                changes.add(new Change(task.id(), "status", task.status().word(), moved.status().word()));
                outside.report(workflowId, task.id(), moved.status());
            }
            for (Change c : changes) {
                events.record(new WorkflowEvent.TaskUpdatedFromSpec(wf.id(), wf.correlationId(), clock.instant(), c.taskId(), c.field(), c.from(), c.to()));
            }
            // A writer that does not lock (seed 000's agents rewrite the whole file) can put back an old status
            // of a task Baton runs; the file shows Baton's again at once rather than at Baton's next change.
            if (overwritten) specFiles.update(workflowId, repository::find);
            if (!changes.isEmpty()) {
                log.atInfo().addKeyValue("event", "SpecReconciled").addKeyValue("changes", changes.size())
                        .log("{}: took over {} change(s) from the spec file: {}", workflowId, changes.size(), changes);
            }
        }
        return changes;
    }

    /** Records the git manager's verdict on a diff in the workflow's event log (nothing when the workflow is unknown). */
    public void diffHandled(String workflowId, String taskId, String path, String outcome, String commit, String reason) {
        repository.find(workflowId).ifPresent(wf -> events.record(new WorkflowEvent.DiffSubmissionHandled(wf.id(), wf.correlationId(),
                clock.instant(), taskId, path, outcome, commit, reason)));
    }

    /** Forward moves only: pending → in-progress → completed | failed | cancelled. */
    private Task advance(Task task, StatusUpdate.TaskState state) {
        TaskStatus to = state.status();
        if (rank(to) <= rank(task.status())) return null;
        var at = state.startedAt() != null ? state.startedAt() : clock.instant();
        Task t = task.status() == TaskStatus.PENDING ? task.started(at) : task;
        if (to == TaskStatus.IN_PROGRESS) return t;
        String why = to == TaskStatus.FAILED ? "outside agent " + task.assignedTo() + " reported failure" : null;
        return t.finished(to, clock.instant(), null, why);
    }

    private static int rank(TaskStatus s) {
        return switch (s) {
            case PENDING -> 0;
            case IN_PROGRESS -> 1;
            case COMPLETED, FAILED, CANCELLED -> 2;
        };
    }
}
