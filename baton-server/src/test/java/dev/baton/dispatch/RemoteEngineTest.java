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

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A real workflow through the real engine, its agents dispatched to a worker over an in-process gRPC server. */
class RemoteEngineTest {
    @TempDir
    Path dataDir;

    @Test
    void aWorkflowRunsToCompletionOnAWorker() throws Exception {
        DispatchSettings settings = new DispatchSettings(Duration.ofMillis(200), Duration.ofSeconds(15), Duration.ofSeconds(5));
        WorkerRegistry registry = new WorkerRegistry(Clock.systemUTC());
        RemoteSessions sessions = new RemoteSessions(registry);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        DispatchMetrics metrics = new DispatchMetrics(meters, registry);
        String name = "engine-test-" + System.nanoTime();
        Server server = InProcessServerBuilder.forName(name).addService(new WorkerControlService(registry, sessions, settings, metrics, "test")).build().start();
        WorkerRuntime worker = new WorkerRuntime(new WorkerSettings(name, null, "in-process", Map.of(), 2, null),
                InProcessChannelBuilder.forName(name).build(), new ProcessAgentLauncher(), new DebugAgentLogSink(), new SimpleMeterRegistry()).start();

        DataLayout layout = DataLayout.under(dataDir);
        Database database = Database.open(DatabaseUrl.sqlite(dataDir.resolve("baton.db")), PoolSettings.defaults());
        GitCli git = new GitCli(Duration.ofSeconds(60));
        git.init(layout.gitRoot().resolve("app"), Map.of("README.md", "# App\n"), "initial");
        Engine engine = new Engine(new JdbcWorkflowRepository(database), new JdbcEventLog(database), new InProcessEventBus(),
                new RemoteAgentLauncher(registry, sessions, settings, metrics), DispatchFixture.PROFILES, git,
                EngineSettings.defaults().withQueryTimeout(Duration.ofSeconds(60)).withStopTimeout(Duration.ofSeconds(3)),
                layout, Clock.systemUTC(), new SimpleMeterRegistry(), new VersionedSpecFiles(), EngineTracing.noop());
        try {
            await().atMost(Duration.ofSeconds(20)).until(worker::connected);
            Workflow wf = engine.workflows().create("test.yaml", """
                    id: wf-remote
                    name: Remote workflow
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
                        query: "write app/one.txt from a worker"
                      - id: t2
                        work: wk-b
                        query: "env BATON_WORKER_ID"
                    """);
            engine.workflows().start(wf.id());
            await().atMost(Duration.ofSeconds(90)).until(() -> List.of(WorkflowStatus.COMPLETED, WorkflowStatus.FAILED)
                    .contains(engine.workflows().get(wf.id()).status()));

            Workflow done = engine.workflows().get(wf.id());
            assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(WorkflowStatus.COMPLETED);
            assertThat(done.works().stream().flatMap(w -> w.tasks().stream())).allMatch(t -> t.status() == TaskStatus.COMPLETED);
            assertThat(layout.worktree(wf.id(), "app").resolve("one.txt")).hasContent("from a worker");
            List<Report> reports = engine.workflows().reports(wf.id());
            assertThat(engine.workflows().reportContent(wf.id(), reports.get(1).id())).contains("BATON_WORKER_ID=in-process");
            assertThat(meters.get("worker.assignments").counter().count()).isEqualTo(2.0);
            // Every session was stopped and gave its slot back.
            await().atMost(Duration.ofSeconds(20)).until(() -> sessions.size() == 0 && registry.worker("in-process").orElseThrow().load() == 0);
        } finally {
            engine.pauseAll(Duration.ofSeconds(10));
            engine.close();
            worker.close();
            server.shutdownNow();
            database.close();
        }
    }
}
