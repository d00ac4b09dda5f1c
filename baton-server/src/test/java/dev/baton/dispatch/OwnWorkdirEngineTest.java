package dev.baton.dispatch;

import dev.baton.agent.process.ProcessAgentLauncher;
import dev.baton.engine.DataLayout;
import dev.baton.engine.Engine;
import dev.baton.engine.EngineSettings;
import dev.baton.engine.EngineTracing;
import dev.baton.events.InProcessEventBus;
import dev.baton.git.GitCli;
import dev.baton.spec.store.VersionedSpecFiles;
import dev.baton.store.Database;
import dev.baton.store.DatabaseUrl;
import dev.baton.store.JdbcEventLog;
import dev.baton.store.JdbcWorkflowRepository;
import dev.baton.store.PoolSettings;
import dev.baton.worker.DebugAgentLogSink;
import dev.baton.worker.WorkerRuntime;
import dev.baton.worker.WorkerSettings;
import dev.baton.workflow.Report;
import dev.baton.workflow.TaskStatus;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowStatus;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
        DispatchSettings settings = new DispatchSettings(Duration.ofMillis(200), Duration.ofSeconds(15), Duration.ofSeconds(5));
        WorkerRegistry registry = new WorkerRegistry(Clock.systemUTC());
        RemoteSessions sessions = new RemoteSessions(registry);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        DispatchMetrics metrics = new DispatchMetrics(meters, registry);
        GitCli git = new GitCli(Duration.ofSeconds(60));
        DataLayout layout = DataLayout.under(dataDir);
        String name = "own-workdir-" + System.nanoTime();
        Server server = InProcessServerBuilder.forName(name)
                .addService(new WorkerControlService(registry, sessions, settings, metrics, "test"))
                .addService(new WorkspaceTransferService(sessions, git, dataDir.resolve("run/transfer"), 1 << 20, meters))
                .build().start();
        WorkerRuntime worker = new WorkerRuntime(new WorkerSettings(name, null, "far-away", Map.of(), 2, null).withWorkdir(workdir),
                InProcessChannelBuilder.forName(name).build(), new ProcessAgentLauncher(), new DebugAgentLogSink(), new SimpleMeterRegistry()).start();

        Database database = Database.open(DatabaseUrl.sqlite(dataDir.resolve("baton.db")), PoolSettings.defaults());
        git.init(layout.gitRoot().resolve("app"), Map.of("README.md", "# App\n", "docs/old.txt", "old\n"), "initial");
        Engine engine = new Engine(new JdbcWorkflowRepository(database), new JdbcEventLog(database), new InProcessEventBus(),
                new RemoteAgentLauncher(registry, sessions, settings, metrics), DispatchFixture.PROFILES, git,
                EngineSettings.defaults().withQueryTimeout(Duration.ofSeconds(60)).withStopTimeout(Duration.ofSeconds(3)),
                layout, Clock.systemUTC(), new SimpleMeterRegistry(), new VersionedSpecFiles(), EngineTracing.noop());
        try {
            await().atMost(Duration.ofSeconds(20)).until(worker::connected);
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
        } finally {
            engine.pauseAll(Duration.ofSeconds(10));
            engine.close();
            worker.close();
            server.shutdownNow();
            database.close();
        }
    }
}
