package dev.baton.engine;

import dev.baton.agent.AgentLauncher;
import dev.baton.agent.profile.AgentProfiles;
import dev.baton.git.GitCli;
import dev.baton.mcp.McpConfigMerge;
import dev.baton.mcp.McpRegistry;
import dev.baton.spec.store.VersionedSpecFiles;
import dev.baton.workflow.EventBus;
import dev.baton.workflow.EventLog;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowRepository;
import dev.baton.workflow.WorkflowStatus;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * The workflow engine assembled from its ports: the object the server, the demo and the benchmarks
 * hold. Plain Java, so tests build it without Spring.
 */
@SuppressWarnings("try") // correlation scopes are opened for their effect on the MDC only
public final class Engine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    private final EngineContext ctx;
    private final WorkflowExecutor executor;
    private final WorkflowService service;
    private final SpecFileSync specFileSync;
    private final SpecProgress specProgress;
    private final Semaphore agentSlots;

    public Engine(WorkflowRepository repository, EventLog eventLog, EventBus bus, AgentLauncher launcher, AgentProfiles profiles,
                  GitCli git, EngineSettings settings, DataLayout layout, Clock clock, MeterRegistry meters) {
        this(repository, eventLog, bus, launcher, profiles, git, settings, layout, clock, meters, new VersionedSpecFiles());
    }

    /** @param specStore how spec files are written; the server's one sends a ping after each write */
    public Engine(WorkflowRepository repository, EventLog eventLog, EventBus bus, AgentLauncher launcher, AgentProfiles profiles,
                  GitCli git, EngineSettings settings, DataLayout layout, Clock clock, MeterRegistry meters, VersionedSpecFiles specStore) {
        this(repository, eventLog, bus, launcher, profiles, git, settings, layout, clock, meters, specStore, EngineTracing.noop());
    }

    /** @param tracing where the spans of workflow runs go; {@link EngineTracing#noop()} when tracing is off */
    public Engine(WorkflowRepository repository, EventLog eventLog, EventBus bus, AgentLauncher launcher, AgentProfiles profiles,
                  GitCli git, EngineSettings settings, DataLayout layout, Clock clock, MeterRegistry meters, VersionedSpecFiles specStore,
                  EngineTracing tracing) {
        this(repository, eventLog, bus, launcher, profiles, git, settings, layout, clock, meters, specStore, tracing,
                new McpConfigMerge(McpRegistry.empty(), System::getenv));
    }

    /**
     * @param mcp merges each work's MCP config from the configured servers (BATON_MCP_SERVERS) and Baton's
     *            environment; works may only reference servers of its registry
     */
    public Engine(WorkflowRepository repository, EventLog eventLog, EventBus bus, AgentLauncher launcher, AgentProfiles profiles,
                  GitCli git, EngineSettings settings, DataLayout layout, Clock clock, MeterRegistry meters, VersionedSpecFiles specStore,
                  EngineTracing tracing, McpConfigMerge mcp) {
        EngineMetrics metrics = new EngineMetrics(meters);
        EventRecorder events = new EventRecorder(eventLog, bus, metrics);
        SpecFiles specFiles = new SpecFiles(layout, profiles, mcp.registry().names(), specStore);
        OutsideTasks outside = new OutsideTasks();
        agentSlots = new Semaphore(settings.agentMaxConcurrent(), true);
        ctx = new EngineContext(repository, events, new WorkflowTransitions(repository, events, metrics, clock),
                new WorkspacePreparer(layout, git, metrics, tracing), new ReportWriter(layout), git, launcher, profiles, settings, layout,
                clock, metrics, agentSlots, specFiles, outside, tracing, new WorkMcpConfig(mcp, tracing));
        executor = new WorkflowExecutor(ctx);
        specFileSync = new SpecFileSync(specFiles, repository, Duration.ofMillis(50));
        bus.subscribe(specFileSync::on);
        service = new WorkflowService(ctx, executor, specFiles, eventLog);
        specProgress = new SpecProgress(repository, specFiles, outside, events, clock);
    }

    /**
     * The worktree of each repository of a workflow, created on its branch if it is not there yet (the git
     * manager applies submitted diffs there).
     */
    public java.util.Map<String, java.nio.file.Path> worktrees(String workflowId) {
        return ctx.workspaces().worktrees(ctx.repository().require(workflowId));
    }

    /** Removes the worktrees and the branch of a workflow, keeping its reports and rows (resource cleanup). */
    public void removeWorktrees(Workflow wf) {
        ctx.workspaces().removeWorktrees(wf);
    }

    /** Takes outside agents' progress from spec files into the database. */
    public SpecProgress specProgress() {
        return specProgress;
    }

    /** Works waiting for a free agent slot plus workflows waiting for a run slot: the demand for more workers. */
    public int queueLength() {
        return agentSlots.getQueueLength() + executor.queueLength();
    }

    public WorkflowService workflows() {
        return service;
    }

    /**
     * After a crash: every workflow left RUNNING (no agent runs it any more) or queued READY is run
     * again; it continues after its last valid checkpoint, so no completed work runs twice.
     */
    public List<String> recover() {
        List<Workflow> left = ctx.repository().list(new WorkflowRepository.WorkflowQuery(
                Set.of(WorkflowStatus.RUNNING, WorkflowStatus.READY), null, 1000, 0));
        for (Workflow wf : left) {
            try (var ignored = Correlation.workflow(wf.correlationId(), wf.id())) {
                log.atWarn().addKeyValue("event", "WorkflowRecovered")
                        .log("workflow {} was {} when the server stopped; running it again from its last valid checkpoint", wf.id(), wf.status());
                executor.submit(wf);
            }
        }
        return left.stream().map(Workflow::id).toList();
    }

    /** Shutdown begins: start and resume answer 503 from now on; running workflows go on until {@link #pauseAll}. */
    public void refuseNewRuns() {
        executor.refuseNewRuns();
    }

    /**
     * Graceful shutdown: refuses new runs from now on (start and resume answer 503) and pauses every running
     * workflow, saving its state, within {@code wait}.
     */
    public List<String> pauseAll(Duration wait) {
        return executor.pauseAll(wait);
    }

    public int activeRuns() {
        return executor.activeCount();
    }

    /**
     * Rewrites the spec files of workflows that changed since their last write; when it returns, every write
     * begun before it has finished too (shutdown relies on this).
     */
    public void flushSpecFiles() {
        specFileSync.flush();
    }

    @Override
    public void close() {
        executor.close();
        specFileSync.close();
    }
}
