package dev.baton.store;

import dev.baton.shared.Ids;
import dev.baton.workflow.Checkpoint;
import dev.baton.workflow.Report;
import dev.baton.workflow.RepositoryRef;
import dev.baton.workflow.Task;
import dev.baton.workflow.TaskStatus;
import dev.baton.workflow.Work;
import dev.baton.workflow.WorkStatus;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowStatus;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Test aggregates with every field set, nulls where the domain allows them, instants at microsecond precision. */
final class Fixtures {
    static final Instant T0 = Instant.parse("2025-03-04T05:06:07.123456Z");

    private Fixtures() {
    }

    static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    /** Two works (sequence 1 given first, to check ordering), tasks with spec-style ids shared across workflows. */
    static Workflow workflow(String id, String name, WorkflowStatus status, Instant createdAt) {
        Work first = new Work("wk-a", id, 0, "Design", "claude", "opus", List.of(dev.baton.mcp.McpServerRef.of("github"),
                new dev.baton.mcp.McpServerRef("jira", java.util.Map.of("JIRA_TOKEN", "${JIRA_TOKEN}"))), WorkStatus.COMPLETED,
                List.of(
                        new Task("TASK-001", id, "wk-a", 0, "Write the design", null, TaskStatus.COMPLETED, 1,
                                createdAt.plusMillis(1), createdAt.plusMillis(2), 0, null, 0),
                        new Task("TASK-002", id, "wk-a", 1, "Review it\nwith 'quotes' and \"more\"", "outside-agent-7",
                                TaskStatus.FAILED, 3, createdAt.plusMillis(3), createdAt.plusMillis(4), 2, "exit 2", 0)),
                0, createdAt.plusMillis(1), createdAt.plusMillis(5), null);
        Work second = new Work("wk-b", id, 1, "Build", "codex", null, List.of(), WorkStatus.PENDING,
                List.of(Task.pending("TASK-003", id, "wk-b", 0, "Build it", null)), 0, null, null, null);
        return new Workflow(id, name, status, "corr-" + id,
                List.of(new RepositoryRef("api", Path.of("/srv/git/api")), new RepositoryRef("web", Path.of("/srv/git/web"))),
                List.of(second, first), "specs/" + id + ".md", 0, createdAt, createdAt.plusSeconds(1), null, null, null);
    }

    static Workflow workflow(String name, Instant createdAt) {
        return workflow(Ids.next("wf"), name, WorkflowStatus.CREATED, createdAt);
    }

    static Workflow workflow() {
        return workflow("demo", T0);
    }

    static Checkpoint checkpoint(String workflowId, String workId, int sequence, Instant at) {
        return new Checkpoint(Ids.next("cp"), workflowId, workId, sequence, "api", "0123456789abcdef0123456789abcdef01234567", true, at, null);
    }

    static Report report(String workflowId, String taskId, Instant at) {
        return new Report(Ids.next("rp"), workflowId, "wk-a", taskId, "reports/" + taskId + ".md", at);
    }

    static Task task(Workflow wf, String taskId) {
        return wf.works().stream().flatMap(w -> w.tasks().stream()).filter(t -> t.id().equals(taskId)).findFirst().orElseThrow();
    }
}
