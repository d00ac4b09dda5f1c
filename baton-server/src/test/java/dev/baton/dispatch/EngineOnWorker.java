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
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

import static org.awaitility.Awaitility.await;

/**
 * The real engine (SQLite, git, the remote launcher) whose agents run on one real worker over an in-process gRPC
 * server with the control stream and workspace transfer, and repository {@code app} under the data folder.
 */
final class EngineOnWorker implements AutoCloseable {
    final DataLayout layout;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final WorkerRegistry registry = new WorkerRegistry(Clock.systemUTC());
    final RemoteSessions sessions = new RemoteSessions(registry);
    final Engine engine;
    private final Server server;
    private final WorkerRuntime worker;
    private final Database database;

    /** @param worker the worker's settings, given the in-process server's name */
    EngineOnWorker(Path dataDir, Map<String, String> appFiles, Function<String, WorkerSettings> worker) throws Exception {
        DispatchSettings settings = new DispatchSettings(Duration.ofMillis(200), Duration.ofSeconds(15), Duration.ofSeconds(5));
        DispatchMetrics metrics = new DispatchMetrics(meters, registry);
        GitCli git = new GitCli(Duration.ofSeconds(60));
        layout = DataLayout.under(dataDir);
        String name = "engine-on-worker-" + System.nanoTime();
        server = InProcessServerBuilder.forName(name)
                .addService(new WorkerControlService(registry, sessions, settings, metrics, "test"))
                .addService(new WorkspaceTransferService(sessions, git, dataDir.resolve("run/transfer"), 1 << 20, meters))
                .build().start();
        this.worker = new WorkerRuntime(worker.apply(name), InProcessChannelBuilder.forName(name).build(), new ProcessAgentLauncher(),
                new DebugAgentLogSink(), new SimpleMeterRegistry()).start();
        database = Database.open(DatabaseUrl.sqlite(dataDir.resolve("baton.db")), PoolSettings.defaults());
        git.init(layout.gitRoot().resolve("app"), appFiles, "initial");
        engine = new Engine(new JdbcWorkflowRepository(database), new JdbcEventLog(database), new InProcessEventBus(),
                new RemoteAgentLauncher(registry, sessions, settings, metrics), DispatchFixture.PROFILES, git,
                EngineSettings.defaults().withQueryTimeout(Duration.ofSeconds(60)).withStopTimeout(Duration.ofSeconds(3)),
                layout, Clock.systemUTC(), new SimpleMeterRegistry(), new VersionedSpecFiles(), EngineTracing.noop());
        await().atMost(Duration.ofSeconds(20)).until(this.worker::connected);
    }

    @Override
    public void close() {
        engine.pauseAll(Duration.ofSeconds(10));
        engine.close();
        worker.close();
        server.shutdownNow();
        database.close();
    }
}
