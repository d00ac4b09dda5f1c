package dev.baton.engine;

import dev.baton.agent.AgentLauncher;
import dev.baton.agent.profile.AgentProfiles;
import dev.baton.git.GitCli;
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

    public Engine(WorkflowRepository repository, EventLog eventLog, EventBus bus, AgentLauncher launcher, AgentProfiles profiles,
                  GitCli git, EngineSettings settings, DataLayout layout, Clock clock, MeterRegistry meters) {
        EngineMetrics metrics = new EngineMetrics(meters);
        EventRecorder events = new EventRecorder(eventLog, bus, metrics);
        ctx = new EngineContext(repository, events, new WorkflowTransitions(repository, events, metrics, clock),
                new WorkspacePreparer(layout, git, metrics), new ReportWriter(layout), git, launcher, profiles, settings, layout,
                clock, metrics, new Semaphore(settings.agentMaxConcurrent(), true));
        executor = new WorkflowExecutor(ctx);
        SpecFiles specFiles = new SpecFiles(layout, profiles);
        specFileSync = new SpecFileSync(specFiles, repository, Duration.ofMillis(50));
        bus.subscribe(specFileSync::on);
        service = new WorkflowService(ctx, executor, specFiles, eventLog);
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

    /** Graceful shutdown: pauses every running workflow, saving its state, within {@code wait}. */
    public List<String> pauseAll(Duration wait) {
        return executor.pauseAll(wait);
    }

    public int activeRuns() {
        return executor.activeCount();
    }

    /** Rewrites the spec files of workflows that changed since their last write. */
    public void flushSpecFiles() {
        specFileSync.flush();
    }

    @Override
    public void close() {
        executor.close();
        specFileSync.close();
    }
}
