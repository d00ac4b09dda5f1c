package dev.baton.engine;

import dev.baton.workflow.Task;
import dev.baton.workflow.TaskStatus;
import dev.baton.workflow.Work;
import dev.baton.workflow.WorkStatus;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowEvent;
import dev.baton.workflow.WorkflowRepository;
import dev.baton.workflow.WorkflowStatus;

import java.time.Clock;
import java.time.Duration;

/** Workflow-level status changes: each one saved, announced as an event and counted, in that order. */
final class WorkflowTransitions {
    private final WorkflowRepository repository;
    private final EventRecorder events;
    private final EngineMetrics metrics;
    private final Clock clock;

    WorkflowTransitions(WorkflowRepository repository, EventRecorder events, EngineMetrics metrics, Clock clock) {
        this.repository = repository;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
    }

    Workflow ready(Workflow wf) {
        return repository.save(wf.moveTo(WorkflowStatus.READY, clock.instant()));
    }

    Workflow started(Workflow wf) {
        Workflow saved = repository.save(wf.moveTo(WorkflowStatus.RUNNING, clock.instant()));
        events.record(new WorkflowEvent.WorkflowStarted(wf.id(), wf.correlationId(), clock.instant(), firstPending(saved)));
        return saved;
    }

    Workflow resumed(Workflow wf) {
        Workflow saved = repository.save(wf.moveTo(WorkflowStatus.RUNNING, clock.instant()));
        events.record(new WorkflowEvent.WorkflowResumed(wf.id(), wf.correlationId(), clock.instant(), firstPending(saved)));
        return saved;
    }

    Workflow completed(Workflow wf, Duration took) {
        Workflow saved = repository.save(wf.moveTo(WorkflowStatus.COMPLETED, clock.instant()));
        metrics.workflowCompleted(took);
        events.record(new WorkflowEvent.WorkflowCompleted(wf.id(), wf.correlationId(), clock.instant(), took.toMillis()));
        return saved;
    }

    Workflow fail(Workflow wf, String why) {
        if (!WorkflowStatus.TRANSITIONS.allows(wf.status(), WorkflowStatus.FAILED)) return wf;
        Workflow saved = repository.save(wf.failed(why, clock.instant()));
        metrics.workflowFailed();
        events.record(new WorkflowEvent.WorkflowFailed(wf.id(), wf.correlationId(), clock.instant(), why));
        return saved;
    }

    /** A run that was asked to stop ends PAUSED (pause, shutdown) or CANCELLED. */
    Workflow stopped(Workflow wf, RunControl.StopReason reason) {
        return reason == RunControl.StopReason.CANCEL ? cancelled(wf) : paused(wf, reason == RunControl.StopReason.SHUTDOWN ? "shutdown" : "requested");
    }

    Workflow paused(Workflow wf, String reason) {
        if (wf.status() == WorkflowStatus.PAUSED) return wf;
        Workflow saved = repository.save(wf.moveTo(WorkflowStatus.PAUSED, clock.instant()));
        events.record(new WorkflowEvent.WorkflowPaused(wf.id(), wf.correlationId(), clock.instant(), reason));
        return saved;
    }

    /** Cancels the workflow and every work and task that had not finished. */
    Workflow cancelled(Workflow wf) {
        if (wf.status() == WorkflowStatus.CANCELLED) return wf;
        Workflow saved = repository.save(wf.moveTo(WorkflowStatus.CANCELLED, clock.instant()));
        for (Work w : wf.works()) {
            for (Task t : w.tasks()) {
                if (t.status() == TaskStatus.PENDING || t.status() == TaskStatus.IN_PROGRESS) repository.save(t.moveTo(TaskStatus.CANCELLED));
            }
            if (w.status() == WorkStatus.PENDING || w.status() == WorkStatus.RUNNING || w.status() == WorkStatus.FAILED) {
                repository.save(w.finished(WorkStatus.CANCELLED, clock.instant(), "cancelled"));
            }
        }
        events.record(new WorkflowEvent.WorkflowCancelled(wf.id(), wf.correlationId(), clock.instant()));
        return repository.require(wf.id());
    }

    private static int firstPending(Workflow wf) {
        return wf.works().stream().filter(w -> w.status() != WorkStatus.COMPLETED).mapToInt(Work::sequence).findFirst().orElse(wf.works().size());
    }
}
