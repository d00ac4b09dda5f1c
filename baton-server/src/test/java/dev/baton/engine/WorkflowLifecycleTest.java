package dev.baton.engine;

import dev.baton.shared.BatonException;
import dev.baton.workflow.Checkpoint;
import dev.baton.workflow.Task;
import dev.baton.workflow.TaskStatus;
import dev.baton.workflow.Work;
import dev.baton.workflow.WorkStatus;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowStatus;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.baton.engine.WorkflowRunTest.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pause, resume, cancel, delete and reorder on the real engine, with real agent process trees. */
class WorkflowLifecycleTest {
    @TempDir
    Path tmp;
    EngineFixture f;

    static final String THREE_WORKS = """
            works:
              - id: wk-1
                name: One
                agent: scripted
              - id: wk-2
                name: Two
                agent: scripted
              - id: wk-3
                name: Three
                agent: scripted
            tasks:
              - id: t1
                work: wk-1
                query: "write app/log.txt one"
              - id: t2
                work: wk-2
                query: "write app/log.txt two"
              - id: t3
                work: wk-3
                query: |
                  sleep %s
                  write app/log.txt three
            """;

    @BeforeEach
    void setUp() throws Exception {
        f = new EngineFixture(tmp, EngineFixture.fastSettings());
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private Workflow startAndWaitForSleepingTask(String id, String seconds) {
        Workflow wf = f.create(spec(id, THREE_WORKS.formatted(seconds)));
        f.workflows().start(wf.id());
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> task(f.workflows().get(id), "t3").status() == TaskStatus.IN_PROGRESS
                && !agentProcesses().isEmpty());
        return wf;
    }

    static Task task(Workflow wf, String id) {
        return wf.works().stream().flatMap(w -> w.tasks().stream()).filter(t -> t.id().equals(id)).findFirst().orElseThrow();
    }

    static List<ProcessHandle> agentProcesses() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains("sleep")).toList();
    }

    @Test
    void pauseStopsTheAgentTreeAndResumeContinuesAfterTheLastCheckpoint() throws Exception {
        String id = startAndWaitForSleepingTask("wf-pause", "2").id();

        Workflow paused = f.workflows().pause(id);

        assertThat(paused.status()).isEqualTo(WorkflowStatus.PAUSED);
        assertThat(agentProcesses()).isEmpty();
        assertThat(paused.works()).extracting(Work::status).containsExactly(WorkStatus.COMPLETED, WorkStatus.COMPLETED, WorkStatus.PENDING);
        assertThat(task(paused, "t3").status()).isEqualTo(TaskStatus.PENDING);

        f.workflows().resume(id);
        Workflow done = f.await(id, WorkflowStatus.COMPLETED, WorkflowStatus.FAILED);

        assertThat(done.status()).isEqualTo(WorkflowStatus.COMPLETED);
        assertThat(task(done, "t1").attempts()).isEqualTo(1);
        assertThat(task(done, "t2").attempts()).isEqualTo(1);
        assertThat(task(done, "t3").attempts()).isEqualTo(2);
        assertThat(Files.readAllLines(f.layout.worktree(id, "app").resolve("log.txt"))).containsExactly("one", "two", "three");
        assertThat(f.eventTypes(id)).containsSubsequence("WorkflowPaused", "WorkflowResumed", "WorkflowCompleted");
        assertThat(f.eventTypes(id).stream().filter("WorkStarted"::equals).count()).isEqualTo(4);
    }

    @Test
    void shutdownPausesRunningWorkflowsWritesTheirSpecFilesAndRefusesNewStartsAndResumes() throws Exception {
        String id = startAndWaitForSleepingTask("wf-shutdown", "60").id();
        Workflow waiting = f.create(spec("wf-waiting", THREE_WORKS.formatted("0")));

        List<String> paused = f.engine.pauseAll(Duration.ofSeconds(20));
        f.engine.flushSpecFiles();

        assertThat(paused).containsExactly(id);
        Workflow wf = f.workflows().get(id);
        assertThat(wf.status()).isEqualTo(WorkflowStatus.PAUSED);
        assertThat(agentProcesses()).isEmpty();
        assertThat(task(wf, "t3").status()).isEqualTo(TaskStatus.PENDING);
        assertThat(Files.readAllLines(f.layout.specFile(id))).contains("status: paused");
        assertThatThrownBy(() -> f.workflows().start(waiting.id())).isInstanceOf(BatonException.Transient.class)
                .hasMessageContaining("shutting down");
        assertThat(f.workflows().get(waiting.id()).status()).as("a refused start changes nothing").isEqualTo(WorkflowStatus.CREATED);
        assertThatThrownBy(() -> f.workflows().resume(id)).isInstanceOf(BatonException.Transient.class);
        assertThat(f.workflows().get(id).status()).isEqualTo(WorkflowStatus.PAUSED);
    }

    @Test
    void cancelKillsTheAgentAndCancelsWhatDidNotFinish() {
        String id = startAndWaitForSleepingTask("wf-cancel", "60").id();

        Workflow cancelled = f.workflows().cancel(id);

        assertThat(cancelled.status()).isEqualTo(WorkflowStatus.CANCELLED);
        assertThat(agentProcesses()).isEmpty();
        assertThat(cancelled.works()).extracting(Work::status).containsExactly(WorkStatus.COMPLETED, WorkStatus.COMPLETED, WorkStatus.CANCELLED);
        assertThat(task(cancelled, "t3").status()).isEqualTo(TaskStatus.CANCELLED);
        assertThatThrownBy(() -> f.workflows().resume(id)).isInstanceOf(BatonException.Conflict.class).hasMessageContaining("CANCELLED");
    }

    @Test
    void deleteRemovesWorktreesBranchReportsSpecAndRows() throws Exception {
        String id = startAndWaitForSleepingTask("wf-delete", "60").id();

        f.workflows().delete(id);

        assertThat(agentProcesses()).isEmpty();
        assertThat(f.layout.worktreeRoot().resolve(id)).doesNotExist();
        assertThat(f.layout.workflowDir(id)).doesNotExist();
        assertThat(f.layout.specFile(id)).doesNotExist();
        assertThat(EngineFixture.git(f.layout.gitRoot().resolve("app"), "branch", "--list", "baton/" + id)).isEmpty();
        assertThat(EngineFixture.git(f.layout.gitRoot().resolve("app"), "worktree", "list")).doesNotContain(id);
        assertThatThrownBy(() -> f.workflows().get(id)).isInstanceOf(BatonException.NotFound.class);
    }

    @Test
    void reorderInvalidatesCheckpointsFromTheFirstMovedWorkAndResumeRunsThemAgain() throws Exception {
        String id = startAndWaitForSleepingTask("wf-reorder", "2").id();
        f.workflows().pause(id);

        Workflow reordered = f.workflows().reorder(id, List.of("wk-1", "wk-3", "wk-2"));

        assertThat(reordered.works()).extracting(Work::id).containsExactly("wk-1", "wk-3", "wk-2");
        List<Checkpoint> cps = f.workflows().checkpoints(id);
        assertThat(cps).filteredOn(c -> c.workId().equals("wk-1")).allMatch(Checkpoint::valid);
        assertThat(cps).filteredOn(c -> c.workId().equals("wk-2")).isNotEmpty().noneMatch(Checkpoint::valid);
        assertThat(f.eventTypes(id)).contains("WorksReordered", "CheckpointsInvalidated");

        f.workflows().resume(id);
        Workflow done = f.await(id, WorkflowStatus.COMPLETED, WorkflowStatus.FAILED);

        assertThat(done.status()).isEqualTo(WorkflowStatus.COMPLETED);
        assertThat(task(done, "t1").attempts()).isEqualTo(1);
        assertThat(task(done, "t2").attempts()).isEqualTo(2);
        // wk-2's first run was rolled back to wk-1's checkpoint: its line appears once, after three.
        assertThat(Files.readAllLines(f.layout.worktree(id, "app").resolve("log.txt"))).containsExactly("one", "three", "two");
    }

    @Test
    void illegalTransitionsAndBadReordersAreRefusedWithClearErrors() {
        Workflow wf = f.create(spec("wf-rules", THREE_WORKS.formatted("0")));

        assertThatThrownBy(() -> f.workflows().pause(wf.id())).isInstanceOf(BatonException.Conflict.class)
                .hasMessageContaining("CREATED").hasMessageContaining("PAUSED");
        assertThatThrownBy(() -> f.workflows().reorder(wf.id(), List.of("wk-1", "wk-1", "wk-9")))
                .isInstanceOfSatisfying(BatonException.Invalid.class, e -> assertThat(e.problems()).extracting(p -> p.field())
                        .containsExactly("workIds[1]", "workIds[2]"));
        assertThatThrownBy(() -> f.workflows().reorder(wf.id(), List.of("wk-1")))
                .isInstanceOf(BatonException.Invalid.class).hasMessageContaining("invalid work order");
        assertThatThrownBy(() -> f.workflows().get("nope")).isInstanceOf(BatonException.NotFound.class);
        assertThatThrownBy(() -> f.create(spec("wf-rules", THREE_WORKS.formatted("0")))).isInstanceOf(BatonException.Conflict.class);

        f.workflows().start(wf.id());
        f.await(wf.id(), WorkflowStatus.COMPLETED);
        assertThatThrownBy(() -> f.workflows().start(wf.id())).isInstanceOf(BatonException.Conflict.class);
        assertThatThrownBy(() -> f.workflows().resume(wf.id())).isInstanceOf(BatonException.Conflict.class).hasMessageContaining("final");
        assertThatThrownBy(() -> f.workflows().reorder(wf.id(), List.of("wk-3", "wk-2", "wk-1"))).isInstanceOf(BatonException.Conflict.class);
    }

    @Test
    void invalidSpecsAreRefusedAndNothingIsStored() throws Exception {
        Files.createDirectories(f.layout.gitRoot().resolve("plain"));
        String unknownAgent = spec("wf-x", THREE_WORKS.formatted("0")).replace("agent: scripted\n  - id: wk-2", "agent: nobody\n  - id: wk-2");
        assertThatThrownBy(() -> f.create(unknownAgent)).isInstanceOfSatisfying(BatonException.Invalid.class, e ->
                assertThat(e.problems()).anySatisfy(p -> {
                    assertThat(p.field()).isEqualTo("works[0].agent");
                    assertThat(p.line()).isPositive();
                    assertThat(p.message()).contains("nobody");
                }));
        for (String path : List.of("plain", "../outside", "/etc", "missing")) {
            String bad = spec("wf-y", THREE_WORKS.formatted("0")).replace("path: app", "path: " + path);
            assertThatThrownBy(() -> f.create(bad)).as(path).isInstanceOfSatisfying(BatonException.Invalid.class, e ->
                    assertThat(e.problems()).anySatisfy(p -> assertThat(p.field()).isEqualTo("repositories[0].path")));
        }
        assertThatThrownBy(() -> f.create("name: [unclosed\n")).isInstanceOfSatisfying(BatonException.Invalid.class, e ->
                assertThat(e.problems().getFirst().toString()).startsWith("test.yaml:"));
        assertThat(f.workflows().list(dev.baton.workflow.WorkflowRepository.WorkflowQuery.all())).isEmpty();
    }
}
