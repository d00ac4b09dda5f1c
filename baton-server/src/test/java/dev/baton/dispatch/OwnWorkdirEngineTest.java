package dev.baton.dispatch;

import dev.baton.engine.DataLayout;
import dev.baton.engine.Engine;
import dev.baton.worker.WorkerSettings;
import dev.baton.workflow.Report;
import dev.baton.workflow.TaskStatus;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.baton.api.rest.BatonServer.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A workflow on a worker with its own workdir: the agents run in the worker's copies, never in the server's
 * data folder, and what they change arrives in the server's worktrees, reports and checkpoint commits.
 */
class OwnWorkdirEngineTest {
    @TempDir
    Path dataDir;
    @TempDir
    Path workdir;

    @Test
    void agentsWorkInTheWorkersCopiesAndTheirChangesReachTheServersCheckpoints() throws Exception {
        try (EngineOnWorker on = new EngineOnWorker(dataDir, Map.of("README.md", "# App\n", "docs/old.txt", "old\n"),
                name -> new WorkerSettings(name, null, "far-away", Map.of(), 2, null).withWorkdir(workdir))) {
            Engine engine = on.engine;
            DataLayout layout = on.layout;
            SimpleMeterRegistry meters = on.meters;
            RemoteSessions sessions = on.sessions;
            Workflow wf = engine.workflows().create("test.yaml", """
                    id: wf-own
                    name: Own workdir
                    repositories:
                      - name: app
                        path: app
                    works:
                      - id: wk-a
                        name: Oneshot
                        agent: scripted
                      - id: wk-b
                        name: Session
                        agent: scripted-session
                    tasks:
                      - id: t1
                        work: wk-a
                        query: |
                          write app/one.txt from a worker
                          env BATON_WORKSPACE
                      - id: t2
                        work: wk-b
                        query: |
                          write app/one.txt appended by the next work
                          write app/src/two.txt second
                      - id: t3
                        work: wk-b
                        query: |
                          write app/src/two.txt third task
                          env BATON_WORKSPACE
                    """);
            engine.workflows().start(wf.id());
            await().atMost(Duration.ofSeconds(90)).until(() -> List.of(WorkflowStatus.COMPLETED, WorkflowStatus.FAILED)
                    .contains(engine.workflows().get(wf.id()).status()));

            Workflow done = engine.workflows().get(wf.id());
            assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(WorkflowStatus.COMPLETED);
            assertThat(done.works().stream().flatMap(w -> w.tasks().stream())).allMatch(t -> t.status() == TaskStatus.COMPLETED);

            // The agents ran in the worker's copies...
            List<Report> reports = engine.workflows().reports(wf.id());
            assertThat(engine.workflows().reportContent(wf.id(), reports.get(0).id()))
                    .contains("BATON_WORKSPACE=" + workdir.toAbsolutePath().resolve("wf-own").resolve("workspaces"))
                    .contains("one.txt"); // the report lists the file as changed, as for a local agent
            assertThat(engine.workflows().reportContent(wf.id(), reports.get(2).id()))
                    .contains("BATON_WORKSPACE=" + workdir.toAbsolutePath().resolve("wf-own").resolve("workspaces"));
            // ...the second work's copy started from the first work's checkpoint...
            Path copy = workdir.resolve("wf-own/repos/app");
            assertThat(copy.resolve("one.txt")).hasContent("from a worker\nappended by the next work");
            // ...and every change is in the server's worktree and its last checkpoint commit.
            Path worktree = layout.worktree(wf.id(), "app");
            assertThat(worktree.resolve("one.txt")).hasContent("from a worker\nappended by the next work");
            assertThat(worktree.resolve("src/two.txt")).hasContent("second\nthird task");
            assertThat(git(worktree, "show", "HEAD:src/two.txt")).isEqualTo("second\nthird task");
            assertThat(git(worktree, "status", "--porcelain")).isEmpty();
            assertThat(meters.get("workspace.transfer.calls").tags("call", "push", "outcome", "ok").counter().count()).isEqualTo(3.0);
            assertThat(meters.get("workspace.transfer.calls").tags("call", "fetch", "outcome", "ok").counter().count()).isEqualTo(2.0);
            // The session's workspace on the worker is gone with the session; the copy stays for the next one.
            await().atMost(Duration.ofSeconds(20)).until(() -> sessions.size() == 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(workdir.resolve("wf-own/workspaces"))
                    || Files.list(workdir.resolve("wf-own/workspaces")).findAny().isEmpty());
        }
    }
}
