package dev.baton.engine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** The engine's meters, named as seed 001 §2 names them (Prometheus turns dots into underscores). */
public final class EngineMetrics {
    private final Counter created;
    private final Counter completed;
    private final Counter failed;
    private final Counter queries;
    private final Counter agentErrors;
    private final Counter eventsPublished;
    private final Timer workflowDuration;
    private final Timer agentResponse;
    private final Timer agentStart;
    private final Timer worktreeCreation;
    private final AtomicInteger runningWorkflows = new AtomicInteger();
    private final AtomicInteger runningAgents = new AtomicInteger();
    private final AtomicInteger publishFailures = new AtomicInteger();

    public EngineMetrics(MeterRegistry registry) {
        created = Counter.builder("workflow.created").description("Workflows created").register(registry);
        completed = Counter.builder("workflow.completed").description("Workflows completed").register(registry);
        failed = Counter.builder("workflow.failed").description("Workflows failed").register(registry);
        queries = Counter.builder("agent.query").description("Queries sent to agents").register(registry);
        agentErrors = Counter.builder("agent.error").description("Agent queries that failed, timed out or could not start").register(registry);
        eventsPublished = Counter.builder("event.published").description("Domain events published").register(registry);
        workflowDuration = Timer.builder("workflow.execution.duration").description("Workflow run time").register(registry);
        agentResponse = Timer.builder("agent.response.duration").description("Agent query response time").register(registry);
        agentStart = Timer.builder("agent.start.duration").description("Agent process start time").register(registry);
        worktreeCreation = Timer.builder("worktree.creation.duration").description("WorkTree creation time").register(registry);
        Gauge.builder("workflow.concurrent.running", runningWorkflows, AtomicInteger::get).description("Workflows running now").register(registry);
        Gauge.builder("agent.concurrent.count", runningAgents, AtomicInteger::get).description("Agent sessions running now").register(registry);
        Gauge.builder("agent.error.rate", this, m -> m.queries.count() == 0 ? 0 : m.agentErrors.count() / m.queries.count())
                .description("Share of agent queries that failed (agent.error / agent.query since start)").register(registry);
        Gauge.builder("event.publish.consecutive.failures", publishFailures, AtomicInteger::get)
                .description("Event publications (log append + bus) failed in a row; 0 after a success").register(registry);
    }

    public void workflowCreated() {
        created.increment();
    }

    public void workflowCompleted(Duration d) {
        completed.increment();
        workflowDuration.record(d);
    }

    public void workflowFailed() {
        failed.increment();
    }

    public void query(Duration response, boolean ok) {
        queries.increment();
        agentResponse.record(response);
        if (!ok) agentErrors.increment();
    }

    public void agentStarted(Duration d) {
        agentStart.record(d);
    }

    public void worktreeCreated(Duration d) {
        worktreeCreation.record(d);
    }

    public void eventPublished() {
        eventsPublished.increment();
        publishFailures.set(0);
    }

    public void eventPublishFailed() {
        publishFailures.incrementAndGet();
    }

    public AtomicInteger runningWorkflows() {
        return runningWorkflows;
    }

    public AtomicInteger runningAgents() {
        return runningAgents;
    }
}
