package dev.baton.engine;

import dev.baton.shared.BatonException;
import dev.baton.workflow.Workflow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * Runs workflows, each on its own virtual thread, at most WORKFLOW_MAX_CONCURRENT at a time (the rest
 * wait for a slot), and keeps the handle of every active run so it can be paused or cancelled.
 */
public final class WorkflowExecutor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkflowExecutor.class);
    private final EngineContext ctx;
    private final Semaphore workflowSlots;
    private final Map<String, RunControl> active = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("workflow-", 0).factory());
    /** Cleared for good at shutdown: a server going down starts no new run it would have to pause again. */
    private volatile boolean acceptingRuns = true;

    WorkflowExecutor(EngineContext ctx) {
        this.ctx = ctx;
        this.workflowSlots = new Semaphore(ctx.settings().workflowMaxConcurrent(), true);
    }

    /** Starts running the workflow (as it is stored now) when a slot is free. */
    void submit(Workflow wf) {
        requireAcceptingRuns();
        RunControl control = new RunControl();
        if (active.putIfAbsent(wf.id(), control) != null) {
            throw new BatonException.Conflict("workflow.already-running", "workflow " + wf.id() + " is already running");
        }
        // Checked again after registering: either pauseAll sees this run among the active ones, or this sees its flag.
        if (!acceptingRuns) {
            active.remove(wf.id(), control);
            requireAcceptingRuns();
        }
        threads.submit(() -> {
            try {
                workflowSlots.acquire();
                try {
                    ctx.metrics().runningWorkflows().incrementAndGet();
                    Workflow current = ctx.repository().find(wf.id()).orElse(null);
                    if (current != null) new WorkflowRun(ctx, control, current).run();
                } finally {
                    ctx.metrics().runningWorkflows().decrementAndGet();
                    workflowSlots.release();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable e) {
                // Whatever ends a run abnormally is logged; the workflow stays as stored, and recovery can pick it up.
                log.error("run of {} ended abnormally: {}", wf.id(), e.toString(), e);
            } finally {
                active.remove(wf.id(), control);
                control.finished();
            }
        });
    }

    /** From now on start and resume fail with a 503 (Transient); runs already active go on. */
    public void refuseNewRuns() {
        acceptingRuns = false;
    }

    /** Fails with a 503 (Transient) once the server is shutting down. */
    void requireAcceptingRuns() {
        if (!acceptingRuns) {
            throw new BatonException.Transient("server.shutting-down", "the server is shutting down and starts no workflow; try again on another instance", null);
        }
    }

    /** Workflows queued for a run slot (an estimate, as {@link Semaphore#getQueueLength} says). */
    int queueLength() {
        return workflowSlots.getQueueLength();
    }

    boolean isActive(String workflowId) {
        return active.containsKey(workflowId);
    }

    /**
     * Asks an active run to stop and waits until it has saved its final state.
     *
     * @return false when no run of that workflow is active
     */
    boolean stop(String workflowId, RunControl.StopReason reason, Duration wait) {
        RunControl control = active.get(workflowId);
        if (control == null) return false;
        control.stop(reason);
        try {
            if (!control.awaitFinished(wait)) {
                throw new BatonException.Transient("workflow.stop-timeout", "workflow " + workflowId + " did not stop within " + wait.toMillis() + " ms", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    /**
     * Graceful shutdown: no new run is accepted from now on, and every active run is paused (agents stopped,
     * state saved), waiting at most {@code wait}.
     */
    public List<String> pauseAll(Duration wait) {
        refuseNewRuns();
        List<String> ids = List.copyOf(active.keySet());
        ids.parallelStream().forEach(id -> {
            try {
                stop(id, RunControl.StopReason.SHUTDOWN, wait);
            } catch (BatonException e) {
                log.warn("{}", e.getMessage());
            }
        });
        return ids;
    }

    public int activeCount() {
        return active.size();
    }

    Optional<RunControl> control(String workflowId) {
        return Optional.ofNullable(active.get(workflowId));
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
