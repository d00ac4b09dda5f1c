package dev.baton.engine;

import dev.baton.shared.BatonException;
import dev.baton.shared.Ids;
import dev.baton.shared.Problem;
import dev.baton.spec.SpecDocument;
import dev.baton.workflow.Checkpoint;
import dev.baton.workflow.EventLog;
import dev.baton.workflow.Report;
import dev.baton.workflow.Work;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowEvent;
import dev.baton.workflow.WorkflowRepository;
import dev.baton.workflow.WorkflowStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * The use cases of workflows: create from a spec, start, pause, resume, cancel, delete, reorder, and
 * the queries. REST, CLI and tests all come through here. Every use case runs with the workflow's
 * correlationId in the logging context.
 */
@SuppressWarnings("try") // correlation scopes are opened for their effect on the MDC only
public final class WorkflowService {
    private static final Logger log = LoggerFactory.getLogger(WorkflowService.class);
    private final EngineContext ctx;
    private final WorkflowExecutor executor;
    private final SpecFiles specFiles;
    private final EventLog eventLog;

    WorkflowService(EngineContext ctx, WorkflowExecutor executor, SpecFiles specFiles, EventLog eventLog) {
        this.ctx = ctx;
        this.executor = executor;
        this.specFiles = specFiles;
        this.eventLog = eventLog;
    }

    /** Creates a workflow from a spec file's content (YAML or JSON); nothing runs yet. */
    public Workflow create(String fileName, String content) {
        SpecDocument doc = specFiles.parse(fileName, content);
        String id = doc.id() != null ? doc.id() : Ids.next("wf");
        if (ctx.repository().find(id).isPresent()) {
            throw new BatonException.Conflict("workflow.duplicate-id", "a workflow with id '" + id + "' already exists");
        }
        String correlationId = id + "-" + Ids.next("c").substring(2, 10);
        Workflow wf = doc.toWorkflow(id, correlationId, ctx.layout().specFile(id).toString(), ctx.clock().instant());
        try (var ignored = Correlation.workflow(correlationId, id)) {
            ctx.repository().create(wf);
            specFiles.create(doc, wf);
            ctx.metrics().workflowCreated();
            ctx.events().record(new WorkflowEvent.WorkflowCreated(id, correlationId, ctx.clock().instant(), wf.name(), wf.works().size(), wf.taskCount()));
            return ctx.repository().require(id);
        }
    }

    public Workflow get(String id) {
        return ctx.repository().require(id);
    }

    public List<Workflow> list(WorkflowRepository.WorkflowQuery query) {
        return ctx.repository().list(query);
    }

    /** CREATED or READY → queued to run (READY until a slot is free, then RUNNING). */
    public Workflow start(String id) {
        Workflow wf = get(id);
        try (var ignored = Correlation.workflow(wf.correlationId(), id)) {
            executor.requireAcceptingRuns(); // before any transition: a refused start leaves the workflow as it was
            if (wf.status() == WorkflowStatus.CREATED) wf = ctx.transitions().ready(wf);
            WorkflowStatus.TRANSITIONS.require(id, wf.status(), WorkflowStatus.RUNNING);
            if (wf.status() != WorkflowStatus.READY) {
                throw new BatonException.Conflict("workflow.illegal-transition", "workflow " + id + " is " + wf.status() + "; use resume");
            }
            executor.submit(wf);
            return get(id);
        }
    }

    /** RUNNING → PAUSED: the agent's process tree is stopped and the current work will run again on resume. */
    public Workflow pause(String id) {
        Workflow wf = get(id);
        try (var ignored = Correlation.workflow(wf.correlationId(), id)) {
            WorkflowStatus.TRANSITIONS.require(id, wf.status(), WorkflowStatus.PAUSED);
            if (!executor.stop(id, RunControl.StopReason.PAUSE, stopWait())) ctx.transitions().paused(get(id), "requested");
            return get(id);
        }
    }

    /** PAUSED or FAILED → RUNNING, continuing after the last valid checkpoint. */
    public Workflow resume(String id) {
        Workflow wf = get(id);
        try (var ignored = Correlation.workflow(wf.correlationId(), id)) {
            if (wf.status() == WorkflowStatus.CREATED || wf.status() == WorkflowStatus.READY) return start(id);
            executor.requireAcceptingRuns();
            Workflow running = ctx.transitions().resumed(wf);
            executor.submit(running);
            return get(id);
        }
    }

    public Workflow cancel(String id) {
        Workflow wf = get(id);
        try (var ignored = Correlation.workflow(wf.correlationId(), id)) {
            WorkflowStatus.TRANSITIONS.require(id, wf.status(), WorkflowStatus.CANCELLED);
            if (!executor.stop(id, RunControl.StopReason.CANCEL, stopWait())) ctx.transitions().cancelled(get(id));
            return get(id);
        }
    }

    /** Stops the workflow if it runs, then removes its worktrees, branch, workspaces, reports, spec file and rows. */
    public void delete(String id) {
        Workflow wf = get(id);
        try (var ignored = Correlation.workflow(wf.correlationId(), id)) {
            executor.stop(id, RunControl.StopReason.CANCEL, stopWait());
            ctx.workspaces().removeAll(wf);
            // Rows first: a spec-file rewrite that races with the delete then finds nothing to write.
            ctx.repository().delete(id);
            specFiles.delete(id);
            ctx.events().bus().publish(new WorkflowEvent.WorkflowDeleted(id, wf.correlationId(), ctx.clock().instant()));
            log.atInfo().addKeyValue("event", "WorkflowDeleted").log("workflow {} deleted", id);
        }
    }

    /**
     * Gives the works a new order (a permutation of all work ids). Checkpoints from the first moved work
     * on become invalid, and those works will run again.
     */
    public Workflow reorder(String id, List<String> workIds) {
        Workflow wf = get(id);
        try (var ignored = Correlation.workflow(wf.correlationId(), id)) {
            validatePermutation(wf, workIds);
            if (!wf.status().allowsReorder() || executor.isActive(id)) {
                throw new BatonException.Conflict("workflow.reorder-not-allowed", "workflow " + id + " is " + wf.status()
                        + "; works can be reordered while CREATED, READY, PAUSED or FAILED");
            }
            List<String> invalid = CheckpointPlan.invalidatedBy(wf.works(), workIds, ctx.repository().checkpoints(id));
            if (!invalid.isEmpty()) ctx.repository().invalidateCheckpoints(id, invalid, ctx.clock().instant());
            for (int seq = 0; seq < workIds.size(); seq++) {
                Work w = wf.work(workIds.get(seq)).orElseThrow();
                if (w.sequence() != seq) ctx.repository().save(w.withSequence(seq));
            }
            ctx.events().record(new WorkflowEvent.WorksReordered(id, wf.correlationId(), ctx.clock().instant(), List.copyOf(workIds)));
            if (!invalid.isEmpty()) {
                ctx.events().record(new WorkflowEvent.CheckpointsInvalidated(id, wf.correlationId(), ctx.clock().instant(), invalid));
            }
            return get(id);
        }
    }

    public List<Report> reports(String id) {
        get(id);
        return ctx.repository().reports(id);
    }

    /** The markdown of one report; the stored path is re-checked to stay inside the data folder. */
    public String reportContent(String id, String reportId) {
        Report r = reports(id).stream().filter(x -> x.id().equals(reportId)).findFirst()
                .orElseThrow(() -> new BatonException.NotFound("report.not-found", "workflow " + id + " has no report '" + reportId + "'"));
        Path file = ctx.layout().dataDir().resolve(r.path()).normalize();
        if (!file.startsWith(ctx.layout().dataDir())) throw new BatonException.Invalid("report.path", "report path escapes the data folder");
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new BatonException.NotFound("report.missing", "report file " + r.path() + " is gone (archived or deleted)");
        }
    }

    public List<Checkpoint> checkpoints(String id) {
        get(id);
        return ctx.repository().checkpoints(id);
    }

    public List<EventLog.StoredEvent> events(String id, long after, int limit) {
        get(id);
        return eventLog.read(id, after, Math.max(1, Math.min(limit, 1000)));
    }

    private Duration stopWait() {
        return ctx.settings().agentStopTimeout().plusSeconds(15);
    }

    private static void validatePermutation(Workflow wf, List<String> workIds) {
        List<Problem> problems = new ArrayList<>();
        var known = new HashSet<String>();
        wf.works().forEach(w -> known.add(w.id()));
        var seen = new HashSet<String>();
        for (int i = 0; i < workIds.size(); i++) {
            String w = workIds.get(i);
            if (!known.contains(w)) problems.add(Problem.at("workIds[" + i + "]", "unknown work '" + w + "' (works: " + known + ")"));
            else if (!seen.add(w)) problems.add(Problem.at("workIds[" + i + "]", "work '" + w + "' is listed twice"));
        }
        if (problems.isEmpty() && seen.size() != known.size()) {
            var missing = new HashSet<>(known);
            missing.removeAll(seen);
            problems.add(Problem.at("workIds", "every work must be listed once; missing: " + missing));
        }
        if (!problems.isEmpty()) throw new BatonException.Invalid("workflow.reorder-invalid", "invalid work order for " + wf.id(), problems);
    }
}
