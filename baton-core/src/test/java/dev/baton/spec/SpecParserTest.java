package dev.baton.spec;

import dev.baton.workflow.Task;
import dev.baton.workflow.TaskStatus;
import dev.baton.workflow.Work;
import dev.baton.workflow.WorkStatus;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.baton.spec.SpecFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class SpecParserTest {
    @TempDir
    Path tmp;
    SpecFixture f;

    @BeforeEach
    void setUp() throws IOException {
        f = new SpecFixture(tmp);
    }

    @Test
    void readsACompleteYamlSpec() throws IOException {
        SpecDocument doc = f.parse(SpecFixture.VALID);

        assertThat(doc.id()).isEqualTo("spec-demo-001");
        assertThat(doc.version()).isEqualTo(3);
        assertThat(doc.status()).isEqualTo("pending");
        assertThat(doc.name()).isEqualTo("Demo workflow");
        assertThat(doc.repositories()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("app");
            assertThat(r.path()).isEqualTo(f.repos.resolve("app").toRealPath());
        });
        assertThat(doc.works()).containsExactly(
                new WorkSpec("wk-plan", "Plan", "scripted", "some-model", List.of(dev.baton.mcp.McpServerRef.of("github"))),
                new WorkSpec(null, "Build", "claude", null, List.of()));
        assertThat(doc.tasks()).containsExactly(
                new TaskSpec("TASK-001", "wk-plan", 0, "Write a plan", "agent-a", TaskStatus.IN_PROGRESS, Instant.parse("2026-02-19T10:00:00Z")),
                new TaskSpec(null, "Build", 1, "Build it.\nThen test it.\n", null, TaskStatus.PENDING, null),
                new TaskSpec("TASK-003", "wk-plan", 0, "Review the plan", null, TaskStatus.COMPLETED, null));
        assertThat(doc.submissions()).containsExactly(Submission.pending("TASK-001",
                f.diffs.toRealPath().resolve("diffs-a/TASK-001.diff"), Instant.parse("2026-02-19T10:30:00Z")));
        assertThat(doc.extra()).containsExactly(Map.entry("x-team", "platform"), Map.entry("labels", List.of("a", 2)));
    }

    @Test
    void readsTheSameSpecWrittenAsJson() {
        String json = """
                {
                  "id": "spec-demo-001",
                  "version": 3,
                  "status": "pending",
                  "name": "Demo workflow",
                  "repositories": [{"name": "app", "path": "app"}],
                  "works": [
                    {"id": "wk-plan", "name": "Plan", "agent": "scripted", "model": "some-model", "mcpServers": ["github"]},
                    {"name": "Build", "agent": "claude"}
                  ],
                  "tasks": [
                    {"id": "TASK-001", "work": "wk-plan", "query": "Write a plan", "assignedTo": "agent-a",
                     "status": "in-progress", "startedAt": "2026-02-19T10:00:00Z"},
                    {"work": "Build", "query": "Build it.\\nThen test it.\\n"},
                    {"id": "TASK-003", "work": "wk-plan", "query": "Review the plan", "status": "completed"}
                  ],
                  "submissions": [{"taskId": "TASK-001", "path": "diffs-a/TASK-001.diff", "timestamp": "2026-02-19T10:30:00Z"}],
                  "x-team": "platform",
                  "labels": ["a", 2]
                }
                """;
        assertThat(f.parser.parse("spec.json", json, f.ctx)).isEqualTo(f.parse(SpecFixture.VALID));
    }

    @Test
    void appliesDefaultsForOptionalFields() {
        SpecDocument doc = f.parse(text(
                "name: Minimal",
                "repositories: [{name: app, path: app}]",
                "works: [{name: Only, agent: scripted}]",
                "tasks: [{work: Only, query: go}]"));

        assertThat(doc.id()).isNull();
        assertThat(doc.version()).isEqualTo(1);
        assertThat(doc.status()).isNull();
        assertThat(doc.tasks().getFirst().status()).isEqualTo(TaskStatus.PENDING);
        assertThat(doc.submissions()).isEmpty();
        assertThat(doc.extra()).isEmpty();
    }

    @Test
    void keepsScalarsAsWrittenWhereAStringIsExpected() {
        SpecDocument doc = f.parse(text(
                "name: 2026",
                "repositories: [{name: app, path: app}]",
                "works: [{id: '007', name: Only, agent: scripted, model: 4.10}]",
                "tasks: [{work: '007', query: true}]"));

        assertThat(doc.name()).isEqualTo("2026");
        assertThat(doc.works().getFirst().id()).isEqualTo("007");
        assertThat(doc.works().getFirst().model()).isEqualTo("4.10");
        assertThat(doc.tasks().getFirst().query()).isEqualTo("true");
    }

    @Test
    void acceptsAnAbsoluteRepositoryPathInsideTheRootAndAGitFile() throws IOException {
        // A linked worktree or submodule has a .git file instead of a folder.
        Path wt = Files.createDirectories(f.repos.resolve("nested/wt"));
        Files.writeString(wt.resolve(".git"), "gitdir: /elsewhere\n");
        SpecDocument doc = f.parse(text(
                "name: Abs",
                "repositories:",
                "  - {name: app, path: " + f.repos.resolve("app").toAbsolutePath() + "}",
                "  - {name: wt, path: nested/./wt}",
                "works: [{name: Only, agent: scripted}]",
                "tasks: [{work: Only, query: go}]"));

        assertThat(doc.repositories()).extracting(r -> r.path())
                .containsExactly(f.repos.resolve("app").toRealPath(), wt.toRealPath());
    }

    @Test
    void acceptsARepositoryMadeByGitInit() throws Exception {
        Path repo = f.repos.resolve("real");
        Files.createDirectories(repo);
        Process git = new ProcessBuilder("git", "init", "-q", repo.toString()).redirectErrorStream(true).start();
        assertThat(git.waitFor()).isZero();

        SpecDocument doc = f.parse(text(
                "name: Real git",
                "repositories: [{name: real, path: real}]",
                "works: [{name: Only, agent: scripted}]",
                "tasks: [{work: Only, query: go}]"));

        assertThat(doc.repositories().getFirst().path()).isEqualTo(repo.toRealPath());
    }

    @Test
    void buildsTheWorkflowAggregate() {
        SpecDocument doc = f.parse(SpecFixture.VALID);
        Instant now = Instant.parse("2026-03-01T00:00:00Z");

        Workflow wf = doc.toWorkflow(null, "corr-1", "specs/active/spec-demo-001.yaml", now);

        assertThat(wf.id()).isEqualTo("spec-demo-001");
        assertThat(wf.status()).isEqualTo(WorkflowStatus.CREATED);
        assertThat(wf.correlationId()).isEqualTo("corr-1");
        assertThat(wf.specPath()).isEqualTo("specs/active/spec-demo-001.yaml");
        assertThat(wf.version()).isZero();
        assertThat(wf.createdAt()).isEqualTo(now);
        assertThat(wf.repositories()).isEqualTo(doc.repositories());
        assertThat(wf.works()).extracting(Work::sequence, Work::name, Work::status, Work::version)
                .containsExactly(tuple(0, "Plan", WorkStatus.PENDING, 0L),
                        tuple(1, "Build", WorkStatus.PENDING, 0L));
        Work plan = wf.works().get(0);
        Work build = wf.works().get(1);
        assertThat(plan.id()).isEqualTo("wk-plan");
        assertThat(build.id()).matches("wk-[0-9a-z]{12}");
        assertThat(plan.tasks()).extracting(Task::id, Task::order, Task::status, Task::workId, Task::workflowId)
                .containsExactly(tuple("TASK-001", 0, TaskStatus.IN_PROGRESS, "wk-plan", "spec-demo-001"),
                        tuple("TASK-003", 1, TaskStatus.COMPLETED, "wk-plan", "spec-demo-001"));
        assertThat(plan.tasks().getFirst().startedAt()).isEqualTo(Instant.parse("2026-02-19T10:00:00Z"));
        assertThat(plan.tasks().getFirst().assignedTo()).isEqualTo("agent-a");
        assertThat(build.tasks()).singleElement().satisfies(t -> {
            assertThat(t.id()).matches("tk-[0-9a-z]{12}");
            assertThat(t.workId()).isEqualTo(build.id());
            assertThat(t.order()).isZero();
            assertThat(t.version()).isZero();
        });
        assertThat(wf.taskCount()).isEqualTo(3);
    }

    @Test
    void theCallersWorkflowIdWinsAndOneIsGeneratedWhenNeitherIsGiven() {
        SpecDocument doc = f.parse(SpecFixture.VALID);
        assertThat(doc.toWorkflow("wf-chosen", "c", null, Instant.EPOCH).id()).isEqualTo("wf-chosen");

        SpecDocument noId = f.parse(SpecFixture.VALID.replace("id: spec-demo-001\n", ""));
        assertThat(noId.id()).isNull();
        assertThat(noId.toWorkflow(null, "c", null, Instant.EPOCH).id()).matches("wf-[0-9a-z]{12}");
    }

    @Test
    void readsAFileFromDisk() throws IOException {
        Path file = Files.writeString(tmp.resolve("spec.yaml"), SpecFixture.VALID);
        assertThat(f.parser.parseFile(file, f.ctx)).isEqualTo(f.parse(SpecFixture.VALID));
    }

    @Test
    void aByteOrderMarkIsIgnored() {
        assertThat(f.parse("\uFEFF" + SpecFixture.VALID)).isEqualTo(f.parse(SpecFixture.VALID));
    }
}
