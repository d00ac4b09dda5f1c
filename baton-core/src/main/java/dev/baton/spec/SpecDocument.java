package dev.baton.spec;

import dev.baton.shared.Ids;
import dev.baton.workflow.RepositoryRef;
import dev.baton.workflow.Task;
import dev.baton.workflow.Work;
import dev.baton.workflow.WorkStatus;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The file form of a workflow, parsed and validated ({@link SpecParser}) or about to be written ({@link SpecWriter}).
 *
 * @param id           the workflow id the file asks for, may be null
 * @param version      the file's version (compare-and-swap counter of the coordination layer)
 * @param status       informational status word, may be null
 * @param repositories with real absolute paths
 * @param works        in sequence order
 * @param tasks        in file order; the order within one work is the task order
 * @param extra        unknown top-level keys with their plain values, kept so that rewriting the file keeps them
 */
public record SpecDocument(String id, long version, String status, String name, List<RepositoryRef> repositories,
                           List<WorkSpec> works, List<TaskSpec> tasks, List<Submission> submissions,
                           Map<String, Object> extra) {

    public SpecDocument {
        Objects.requireNonNull(name, "name");
        repositories = List.copyOf(repositories);
        works = List.copyOf(works);
        tasks = List.copyOf(tasks);
        submissions = List.copyOf(submissions);
        // Not Map.copyOf: plain YAML values may be null, and the order of keys is part of the file.
        extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        for (TaskSpec t : tasks) {
            if (t.workIndex() >= works.size()) {
                throw new IllegalArgumentException("task " + t.id() + " refers to work #" + t.workIndex() + " of " + works.size());
            }
        }
    }

    /**
     * The file form of a workflow, e.g. to write it back with new task statuses.
     *
     * @param version the version to write into the file
     */
    public static SpecDocument from(Workflow workflow, long version, List<Submission> submissions, Map<String, Object> extra) {
        List<WorkSpec> works = new ArrayList<>();
        List<TaskSpec> tasks = new ArrayList<>();
        for (Work w : workflow.works()) {
            works.add(new WorkSpec(w.id(), w.name(), w.agent(), w.model(), w.mcpServers()));
            w.tasks().stream()
                    .sorted(Comparator.comparingInt(Task::order))
                    .forEach(t -> tasks.add(new TaskSpec(t.id(), w.id(), works.size() - 1, t.query(), t.assignedTo(), t.status(), t.startedAt())));
        }
        return new SpecDocument(workflow.id(), version, statusWord(workflow.status()), workflow.name(),
                workflow.repositories(), works, tasks, submissions, extra);
    }

    /** How a workflow status is written in the file's informational {@code status}. */
    public static String statusWord(WorkflowStatus status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Builds the domain aggregate: status CREATED, works PENDING in list order, tasks with the statuses the file
     * states, every version 0.
     *
     * @param workflowId null means the file's {@code id}, or a generated {@code wf-…} when it has none
     * @param specPath   the file the workflow comes from, may be null
     */
    public Workflow toWorkflow(String workflowId, String correlationId, String specPath, Instant now) {
        String wfId = workflowId != null ? workflowId : id != null ? id : Ids.next("wf");
        List<Work> built = new ArrayList<>(works.size());
        for (int seq = 0; seq < works.size(); seq++) {
            WorkSpec w = works.get(seq);
            String workId = w.id() != null ? w.id() : Ids.next("wk");
            List<Task> workTasks = new ArrayList<>();
            for (TaskSpec t : tasks) {
                if (t.workIndex() != seq) continue;
                String taskId = t.id() != null ? t.id() : Ids.next("tk");
                workTasks.add(new Task(taskId, wfId, workId, workTasks.size(), t.query(), t.assignedTo(), t.status(),
                        0, t.startedAt(), null, null, null, 0));
            }
            built.add(new Work(workId, wfId, seq, w.name(), w.agent(), w.model(), w.mcpServers(), WorkStatus.PENDING,
                    workTasks, 0, null, null, null));
        }
        return new Workflow(wfId, name, WorkflowStatus.CREATED, correlationId, repositories, built, specPath, 0,
                now, now, null, null, null);
    }
}
