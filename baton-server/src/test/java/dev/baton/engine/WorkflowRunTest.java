package dev.baton.engine;

import dev.baton.workflow.Checkpoint;
import dev.baton.workflow.Report;
import dev.baton.workflow.TaskStatus;
import dev.baton.workflow.Work;
import dev.baton.workflow.WorkStatus;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowEvent;
import dev.baton.workflow.WorkflowStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine end to end on real SQLite, git and agent processes: the happy path and agent failures. */
class WorkflowRunTest {
    @TempDir
    Path tmp;
    EngineFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new EngineFixture(tmp, EngineFixture.fastSettings().withQueryTimeout(Duration.ofSeconds(3)));
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    static String spec(String id, String worksAndTasks) {
        return """
                id: %s
                name: Test workflow %s
                repositories:
                  - name: app
                    path: app
                  - name: docs
                    path: docs
                %s""".formatted(id, id, worksAndTasks);
    }

    static final String TWO_WORKS = """
            works:
              - id: wk-a
                name: First
                agent: scripted
                model: m1
              - id: wk-b
                name: Second
                agent: scripted-session
            tasks:
              - id: t1
                work: wk-a
                query: "write app/one.txt first line"
              - id: t2
                work: wk-a
                query: "write docs/two.md second"
              - id: t3
                work: wk-b
                query: "write app/three.txt from the session agent"
            """;

    @Test
    void runsWorksInSequenceWithReportsCheckpointsAndEvents() throws Exception {
        Workflow wf = f.create(spec("wf-happy", TWO_WORKS));
        assertThat(wf.status()).isEqualTo(WorkflowStatus.CREATED);
        assertThat(f.layout.specFile("wf-happy")).exists();

        f.workflows().start(wf.id());
        Workflow done = f.await(wf.id(), WorkflowStatus.COMPLETED, WorkflowStatus.FAILED);

        assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(WorkflowStatus.COMPLETED);
        assertThat(done.works()).extracting(Work::status).containsOnly(WorkStatus.COMPLETED);
        assertThat(done.works().stream().flatMap(w -> w.tasks().stream())).allSatisfy(t -> {
            assertThat(t.status()).isEqualTo(TaskStatus.COMPLETED);
            assertThat(t.attempts()).isEqualTo(1);
            assertThat(t.exitCode()).isZero();
        });

        // One report per task, with query, output, exit status and the files that task changed.
        List<Report> reports = f.workflows().reports(wf.id());
        assertThat(reports).extracting(Report::taskId).containsExactly("t1", "t2", "t3");
        String r1 = f.workflows().reportContent(wf.id(), reports.getFirst().id());
        assertThat(r1).contains("write app/one.txt first line", "Exit status | 0", "`app/one.txt`").doesNotContain("docs/two.md");
        assertThat(f.workflows().reportContent(wf.id(), reports.get(1).id())).contains("`docs/two.md`");

        // One checkpoint commit per repository per work, on branch baton/<id>, plus the base commits.
        List<Checkpoint> cps = f.workflows().checkpoints(wf.id());
        assertThat(cps.stream().filter(c -> c.workSequence() >= 0)).hasSize(4).allMatch(Checkpoint::valid);
        Path appWorktree = f.layout.worktree(wf.id(), "app");
        assertThat(appWorktree.resolve("one.txt")).hasContent("first line");
        assertThat(appWorktree.resolve("three.txt")).hasContent("from the session agent");
        String log = EngineFixture.git(f.layout.gitRoot().resolve("app"), "log", "--format=%s", "baton/wf-happy");
        assertThat(log.lines().toList()).containsExactly(
                "baton: checkpoint wk-b (work 2 of 2) [wf-happy]", "baton: checkpoint wk-a (work 1 of 2) [wf-happy]", "initial");
        String appSha = cps.stream().filter(c -> c.workId().equals("wk-b") && c.repository().equals("app")).findFirst().orElseThrow().commitSha();
        assertThat(EngineFixture.git(appWorktree, "rev-parse", "HEAD")).isEqualTo(appSha);

        // The workspace links the worktrees and the reports.
        Path ws = f.layout.workspace(wf.id(), "wk-a");
        assertThat(Files.readSymbolicLink(ws.resolve("app"))).isEqualTo(appWorktree);
        assertThat(Files.isSymbolicLink(ws.resolve("reports"))).isTrue();

        // The event chain of seed 001 §1.3, all with the workflow's correlationId.
        assertThat(f.eventTypes(wf.id())).containsSubsequence("WorkflowCreated", "WorkflowStarted", "WorkStarted", "QuerySent",
                "QueryResponded", "ReportGenerated", "WorkCompleted", "CheckpointCreated", "WorkStarted", "WorkCompleted",
                "CheckpointCreated", "WorkflowCompleted");
        assertThat(f.events).filteredOn(e -> e.workflowId().equals(wf.id())).extracting(WorkflowEvent::correlationId)
                .containsOnly(done.correlationId());
        assertThat(f.workflows().events(wf.id(), 0, 1000)).hasSize(f.eventTypes(wf.id()).size());
        assertThat(f.meters.get("workflow.completed").counter().count()).isEqualTo(1.0);

        // The spec file shows the statuses people see, with a newer version than the one submitted.
        f.engine.flushSpecFiles();
        String file = Files.readString(f.layout.specFile(wf.id()));
        assertThat(file).contains("status: completed").doesNotContain("status: pending").containsPattern("(?m)^version: [2-9]");
    }

    @Test
    void agentThatExitsNonZeroFailsTheTaskWithItsStderrInTheReport() {
        Workflow wf = f.create(spec("wf-fail", """
                works:
                  - id: wk-a
                    name: Only
                    agent: scripted
                tasks:
                  - id: ok
                    work: wk-a
                    query: "echo fine"
                  - id: bad
                    work: wk-a
                    query: "fail 3 the linter exploded"
                  - id: never
                    work: wk-a
                    query: "echo never runs"
                """));
        f.workflows().start(wf.id());
        Workflow done = f.await(wf.id(), WorkflowStatus.FAILED, WorkflowStatus.COMPLETED);

        assertThat(done.status()).isEqualTo(WorkflowStatus.FAILED);
        assertThat(done.error()).contains("bad").contains("exited with status 3");
        Work w = done.works().getFirst();
        assertThat(w.status()).isEqualTo(WorkStatus.FAILED);
        assertThat(w.tasks()).extracting(t -> t.status()).containsExactly(TaskStatus.COMPLETED, TaskStatus.FAILED, TaskStatus.PENDING);
        assertThat(w.tasks().get(1).exitCode()).isEqualTo(3);
        Report failed = f.workflows().reports(wf.id()).stream().filter(r -> r.taskId().equals("bad")).findFirst().orElseThrow();
        assertThat(f.workflows().reportContent(wf.id(), failed.id())).contains("FAILED", "Standard error (tail)", "the linter exploded");
        assertThat(f.workflows().checkpoints(wf.id())).noneMatch(c -> c.workSequence() >= 0);
        assertThat(f.eventTypes(wf.id())).containsSubsequence("TaskFailed", "WorkFailed", "WorkflowFailed");
    }

    @Test
    void agentThatHangsIsKilledAtTheQueryTimeout() {
        Workflow wf = f.create(spec("wf-hang", """
                works:
                  - id: wk-a
                    name: Only
                    agent: scripted-stdin
                tasks:
                  - id: hang
                    work: wk-a
                    query: "sleep 120"
                """));
        f.workflows().start(wf.id());
        Workflow done = f.await(wf.id(), WorkflowStatus.FAILED, WorkflowStatus.COMPLETED);

        assertThat(done.status()).isEqualTo(WorkflowStatus.FAILED);
        assertThat(done.works().getFirst().tasks().getFirst().error()).contains("did not answer within the query timeout");
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(p -> p.info().commandLine().orElse("")).filter(c -> c.contains("sleep 120")).toList()).isEmpty();
    }

    static String oneTask(String query) {
        return """
                works:
                  - id: wk-a
                    name: Only
                    agent: scripted
                tasks:
                  - id: t
                    work: wk-a
                    query: "%s"
                """.formatted(query);
    }

    @Test
    void workflowsBeyondTheConcurrencyLimitWaitReady() throws Exception {
        f.close();
        f = new EngineFixture(tmp.resolve("limited"), new EngineSettings(1, 20, Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(3)));
        String slow = oneTask("sleep 2");
        Workflow a = f.create(spec("wf-first", slow));
        Workflow b = f.create(spec("wf-second", slow));
        f.workflows().start(a.id());
        f.await(a.id(), WorkflowStatus.RUNNING);
        f.workflows().start(b.id());
        assertThat(f.workflows().get(b.id()).status()).isEqualTo(WorkflowStatus.READY);
        f.await(a.id(), WorkflowStatus.COMPLETED);
        assertThat(f.await(b.id(), WorkflowStatus.COMPLETED).status()).isEqualTo(WorkflowStatus.COMPLETED);
    }

    @Test
    void agentsBeyondTheAgentLimitWaitForAFreeSlot() throws Exception {
        f.close();
        f = new EngineFixture(tmp.resolve("agents"), new EngineSettings(5, 1, Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(3)));
        String slow = oneTask("sleep 5");
        Workflow a = f.create(spec("wf-agent-1", slow));
        Workflow b = f.create(spec("wf-agent-2", slow));
        f.workflows().start(a.id());
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> f.workflows().get(a.id()).works().getFirst().tasks().getFirst().status() == TaskStatus.IN_PROGRESS);
        f.workflows().start(b.id());
        f.await(b.id(), WorkflowStatus.RUNNING);
        // b runs, but its agent waits: a's agent holds the only slot.
        assertThat(f.workflows().get(a.id()).status()).isEqualTo(WorkflowStatus.RUNNING);
        assertThat(f.workflows().get(b.id()).works().getFirst().tasks().getFirst().status()).isEqualTo(TaskStatus.PENDING);
        f.await(a.id(), WorkflowStatus.COMPLETED);
        assertThat(f.await(b.id(), WorkflowStatus.COMPLETED).status()).isEqualTo(WorkflowStatus.COMPLETED);
    }

    @Test
    void aResumeDropsTheFailedAgentsLeftoversButKeepsADiffTheGitManagerApplied() throws Exception {
        Workflow wf = f.create(spec("wf-keep", """
                works:
                  - id: wk-a
                    name: First
                    agent: scripted
                  - id: wk-b
                    name: Second
                    agent: scripted
                tasks:
                  - id: t1
                    work: wk-a
                    query: "write app/one.txt from work a"
                  - id: t2
                    work: wk-b
                    query: "write app/half.txt half done\\nfail 2 broken"
                """));
        f.workflows().start(wf.id());
        assertThat(f.await(wf.id(), WorkflowStatus.FAILED, WorkflowStatus.COMPLETED).status()).isEqualTo(WorkflowStatus.FAILED);
        Path worktree = f.layout.worktree(wf.id(), "app");
        assertThat(worktree.resolve("half.txt")).exists();

        Path diff = Files.createDirectories(tmp.resolve("diffs")).resolve("t2.diff");
        Files.writeString(diff, """
                diff --git a/ACCEPTED.md b/ACCEPTED.md
                new file mode 100644
                --- /dev/null
                +++ b/ACCEPTED.md
                @@ -0,0 +1 @@
                +accepted work
                """);
        Path repo = f.layout.gitRoot().resolve("app");
        var outcome = new dev.baton.git.DiffApplier(new dev.baton.git.GitCli(Duration.ofSeconds(60)), 1 << 20)
                .apply(repo, "baton/" + wf.id(), worktree, diff, "t2", wf.id());
        assertThat(outcome).isInstanceOf(dev.baton.git.DiffOutcome.Applied.class);

        f.workflows().resume(wf.id());
        f.await(wf.id(), WorkflowStatus.FAILED, WorkflowStatus.COMPLETED);

        assertThat(worktree.resolve("one.txt")).exists();
        assertThat(worktree.resolve("ACCEPTED.md")).hasContent("accepted work");
        assertThat(EngineFixture.git(repo, "log", "--format=%s", "baton/" + wf.id())).contains("baton: apply t2");
    }
}
