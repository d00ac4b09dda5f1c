package dev.baton.engine;

import dev.baton.events.InProcessEventBus;
import dev.baton.agent.process.AgentProcessRegistry;
import dev.baton.agent.process.ProcessAgentLauncher;
import dev.baton.agent.profile.AgentProfileLoader;
import dev.baton.agent.profile.AgentProfiles;
import dev.baton.git.GitCli;
import dev.baton.store.Database;
import dev.baton.store.DatabaseUrl;
import dev.baton.store.JdbcEventLog;
import dev.baton.store.JdbcWorkflowRepository;
import dev.baton.store.PoolSettings;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowEvent;
import dev.baton.workflow.WorkflowStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** A real engine for tests: SQLite file, git repositories, agent processes from examples/agents. */
final class EngineFixture implements AutoCloseable {
    static final Path PROJECT_ROOT = findProjectRoot();
    final DataLayout layout;
    final Database database;
    final Engine engine;
    final JdbcWorkflowRepository repository;
    final List<WorkflowEvent> events = Collections.synchronizedList(new ArrayList<>());
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    EngineFixture(Path dataDir, EngineSettings settings) throws IOException, InterruptedException {
        this(dataDir, settings, EngineTracing.noop());
    }

    EngineFixture(Path dataDir, EngineSettings settings, EngineTracing tracing) throws IOException, InterruptedException {
        this(dataDir, settings, tracing, new dev.baton.mcp.McpConfigMerge(dev.baton.mcp.McpRegistry.empty(), k -> null));
    }

    EngineFixture(Path dataDir, EngineSettings settings, EngineTracing tracing, dev.baton.mcp.McpConfigMerge mcp) throws IOException, InterruptedException {
        layout = DataLayout.under(dataDir);
        database = Database.open(DatabaseUrl.sqlite(dataDir.resolve("baton.db")), PoolSettings.defaults());
        repository = new JdbcWorkflowRepository(database);
        InProcessEventBus bus = new InProcessEventBus();
        bus.subscribe(events::add);
        AgentProfiles profiles = new AgentProfileLoader(PROJECT_ROOT).load(PROJECT_ROOT.resolve("examples/agents/profiles.yaml"));
        engine = new Engine(repository, new JdbcEventLog(database), bus,
                new ProcessAgentLauncher(new AgentProcessRegistry(layout.agentPidDir())), profiles,
                new GitCli(Duration.ofSeconds(60)), settings, layout, Clock.systemUTC(), meters,
                new dev.baton.spec.store.VersionedSpecFiles(), tracing, mcp);
        repository("app", "README.md", "# App\n");
        repository("docs", "index.md", "# Docs\n");
    }

    static EngineSettings fastSettings() {
        return EngineSettings.defaults().withQueryTimeout(Duration.ofSeconds(60)).withStopTimeout(Duration.ofSeconds(3));
    }

    Path repository(String name, String file, String content) {
        Path dir = layout.gitRoot().resolve(name);
        new GitCli(Duration.ofSeconds(60)).init(dir, java.util.Map.of(file, content), "initial");
        return dir;
    }

    static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException(argv + ": " + out);
        return out.trim();
    }

    WorkflowService workflows() {
        return engine.workflows();
    }

    Workflow create(String yaml) {
        return workflows().create("test.yaml", yaml);
    }

    Workflow await(String id, WorkflowStatus... statuses) {
        List<WorkflowStatus> wanted = List.of(statuses);
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                .until(() -> wanted.contains(workflows().get(id).status()));
        Workflow wf = workflows().get(id);
        // The status is saved just before its event is published: wait for the event too.
        String event = switch (wf.status()) {
            case COMPLETED -> "WorkflowCompleted";
            case FAILED -> "WorkflowFailed";
            case CANCELLED -> "WorkflowCancelled";
            case PAUSED -> "WorkflowPaused";
            default -> null;
        };
        if (event != null) Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> eventTypes(id).contains(event));
        return wf;
    }

    List<String> eventTypes(String workflowId) {
        synchronized (events) {
            return events.stream().filter(e -> e.workflowId().equals(workflowId)).map(WorkflowEvent::type).toList();
        }
    }

    @Override
    public void close() {
        engine.pauseAll(Duration.ofSeconds(10));
        engine.close();
        database.close();
    }

    private static Path findProjectRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("examples/agents/profiles.yaml"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("cannot find the project root (examples/agents/profiles.yaml)");
        return p;
    }
}
