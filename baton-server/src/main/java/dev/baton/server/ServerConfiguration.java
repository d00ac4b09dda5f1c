package dev.baton.server;

import dev.baton.agent.AgentLauncher;
import dev.baton.agent.process.AgentProcessRegistry;
import dev.baton.agent.profile.AgentProfileLoader;
import dev.baton.agent.profile.AgentProfiles;
import dev.baton.engine.DataLayout;
import dev.baton.engine.Engine;
import dev.baton.engine.EngineSettings;
import dev.baton.git.GitCli;
import dev.baton.spec.store.VersionedSpecFiles;
import dev.baton.ops.health.HealthController;
import dev.baton.ops.health.ReadinessChecks;
import dev.baton.ops.web.ApiTokenFilter;
import dev.baton.store.Database;
import dev.baton.store.DatabaseUrl;
import dev.baton.store.JdbcEventLog;
import dev.baton.store.JdbcWorkflowRepository;
import dev.baton.store.PoolSettings;
import dev.baton.workflow.EventBus;
import dev.baton.workflow.EventLog;
import dev.baton.workflow.WorkflowRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/** Wires the adapters (SQLite/PostgreSQL, git, agent processes; the event bus comes from EventBusConfiguration) into the engine. */
@Configuration(proxyBeanMethods = false)
public class ServerConfiguration {

    /** Paths in API responses are plain file-system paths, not {@code file://} URIs. */
    @Bean
    tools.jackson.databind.JacksonModule pathsAsPlainStrings() {
        return new tools.jackson.databind.module.SimpleModule("baton-paths")
                .addSerializer(Path.class, new tools.jackson.databind.ser.std.ToStringSerializer(Path.class));
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    DataLayout dataLayout(BatonProperties baton, EngineProperties.Git git, EngineProperties.Worktree worktree,
                          EngineProperties.Workflow workflow, EngineProperties.Archive archive, CoordinationProperties coordination) {
        DataLayout d = DataLayout.under(baton.dataDir());
        Path workflowRoot = orDefault(workflow.rootPath(), d.workflowRoot());
        return new DataLayout(d.dataDir(), orDefault(git.rootPath(), d.gitRoot()), orDefault(worktree.rootPath(), d.worktreeRoot()),
                workflowRoot, orDefault(archive.rootPath(), workflowRoot.resolve("archive")), orDefault(coordination.specRoot(), d.specsDir()));
    }

    private static Path orDefault(String configured, Path fallback) {
        return configured == null || configured.isBlank() ? fallback : Path.of(configured).toAbsolutePath().normalize();
    }

    @Bean(destroyMethod = "close")
    Database database(EngineProperties.Database db, DataLayout layout) {
        return Database.open(DatabaseUrl.parse(db.url(), layout.dataDir()), new PoolSettings(db.poolMin(), db.poolMax(), db.connectionTimeoutMs()));
    }

    @Bean
    DataSource dataSource(Database database, MeterRegistry meters) {
        DataSource ds = database.dataSource();
        if (ds instanceof com.zaxxer.hikari.HikariDataSource hikari) {
            io.micrometer.core.instrument.Gauge.builder("db.connection.pool.active", hikari,
                            h -> h.getHikariPoolMXBean() == null ? 0 : h.getHikariPoolMXBean().getActiveConnections())
                    .description("Connections of the (writer) pool in use").register(meters);
        }
        return ds;
    }

    @Bean
    WorkflowRepository workflowRepository(Database database, MeterRegistry meters) {
        return DbQueryTiming.timed(WorkflowRepository.class, new JdbcWorkflowRepository(database), meters);
    }

    @Bean
    EventLog eventLog(Database database, MeterRegistry meters) {
        return DbQueryTiming.timed(EventLog.class, new JdbcEventLog(database), meters);
    }

    @Bean
    GitCli gitCli(EngineProperties.Git git, MeterRegistry meters) {
        return new GitCli("git", Duration.ofMillis(git.commandTimeoutMs()), (sub, took, ok) ->
                Timer.builder("git.command.duration").description("Git CLI command run time").tag("command", sub).tag("outcome", ok ? "success" : "failure")
                        .register(meters).record(took));
    }

    @Bean
    AgentProcessRegistry agentProcessRegistry(DataLayout layout, MeterRegistry meters) {
        AgentProcessRegistry registry = new AgentProcessRegistry(layout.agentPidDir());
        Counter crashes = Counter.builder("agent.crash").description("Agent processes that exited on their own with an error within 10 s of their start").register(meters);
        registry.onCrash(crashes::increment);
        return registry;
    }

    /** Agents always run on workers (the embedded one by default), over the worker control stream. */
    @Bean
    AgentLauncher agentLauncher(dev.baton.dispatch.WorkerRegistry workers, dev.baton.dispatch.RemoteSessions sessions,
                                dev.baton.dispatch.DispatchSettings settings, dev.baton.dispatch.DispatchMetrics metrics, GitCli git) {
        return new dev.baton.dispatch.RemoteAgentLauncher(workers, sessions, settings, metrics, new dev.baton.git.WorktreeTransfer(git));
    }

    /** BATON_AGENT_PROFILES, else {@code <data>/agents.yaml}, else the shipped examples. */
    @Bean
    AgentProfiles agentProfiles(BatonProperties baton, DataLayout layout) {
        Path file;
        if (baton.agentProfiles() != null && !baton.agentProfiles().isBlank()) file = Path.of(baton.agentProfiles());
        else if (Files.exists(layout.dataDir().resolve("agents.yaml"))) file = layout.dataDir().resolve("agents.yaml");
        else file = baton.home().resolve("examples/agents/profiles.yaml");
        return new AgentProfileLoader(baton.home().toAbsolutePath().normalize()).load(file.toAbsolutePath().normalize());
    }

    @Bean
    EngineSettings engineSettings(EngineProperties.Workflow wf, EngineProperties.Agent agent) {
        return new EngineSettings(wf.maxConcurrent(), agent.maxConcurrent(), Duration.ofMillis(agent.startTimeoutMs()),
                Duration.ofMillis(agent.queryTimeoutMs()), Duration.ofMillis(agent.stopTimeoutMs()));
    }

    @Bean(destroyMethod = "close")
    Engine engine(WorkflowRepository repository, EventLog eventLog, EventBus bus, AgentLauncher launcher, AgentProfiles profiles,
                  GitCli git, EngineSettings settings, DataLayout layout, Clock clock, MeterRegistry meters, VersionedSpecFiles specStore,
                  dev.baton.engine.EngineTracing tracing, dev.baton.mcp.McpConfigMerge mcp) {
        return new Engine(repository, eventLog, bus, launcher, profiles, git, settings, layout, clock, meters, specStore, tracing, mcp);
    }

    @Bean
    dev.baton.engine.WorkflowService workflowService(Engine engine) {
        return engine.workflows();
    }

    @Bean
    HealthController.ShutdownState shutdownState() {
        return new HealthController.ShutdownState(new AtomicBoolean(false));
    }

    @Bean
    ReadinessChecks readinessChecks(DataSource dataSource, GitCli git, DataLayout layout, java.util.List<ReadinessChecks.Probe> probes,
                                    MeterRegistry meters, ReadinessChecks.EventBusProbe eventBus) {
        return new ReadinessChecks(dataSource, git, layout, probes, meters, eventBus);
    }

    @Bean
    EngineLifecycle engineLifecycle(Engine engine, AgentProcessRegistry registry, EngineSettings settings,
                                    EngineProperties.Shutdown shutdown, HealthController.ShutdownState state, dev.baton.events.ServerEventBus eventBus) {
        return new EngineLifecycle(engine, registry, settings, Duration.ofMillis(shutdown.timeoutMs()), state.flag(), eventBus);
    }

    /** Tomcat's own error pages speak problem+json too. */
    @Bean
    org.springframework.boot.web.server.WebServerFactoryCustomizer<org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory> problemErrorPages() {
        return factory -> factory.addContextCustomizers(context ->
                ((org.apache.catalina.core.StandardHost) context.getParent()).setErrorReportValveClass(dev.baton.ops.web.ProblemErrorValve.class.getName()));
    }

    @Bean
    FilterRegistrationBean<ApiTokenFilter> apiTokenFilter(BatonProperties baton) {
        boolean on = baton.apiToken() != null && !baton.apiToken().isBlank();
        FilterRegistrationBean<ApiTokenFilter> reg = new FilterRegistrationBean<>(new ApiTokenFilter(on ? baton.apiToken() : ""));
        reg.setEnabled(on);
        reg.addUrlPatterns("/api/*");
        return reg;
    }
}
