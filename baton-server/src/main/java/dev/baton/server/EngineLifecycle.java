package dev.baton.server;

import dev.baton.agent.process.AgentProcessRegistry;
import dev.baton.engine.Engine;
import dev.baton.engine.EngineSettings;
import dev.baton.events.ServerEventBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Start: kills agent processes a crashed server left behind, then runs again the workflows it left
 * RUNNING or READY.
 *
 * <p>Stop (SIGTERM, seed 001 §6.4), in this order: /ready turns 503 and new starts and resumes are refused
 * with 503; running workflows are paused (agents stopped within AGENT_STOP_TIMEOUT_MS, workflow PAUSED, its
 * current work back to PENDING); the event bus is drained (the pauses' events handled, reading stopped, the handler
 * in flight finished) and the spec files are written with that state. Only then do the web server
 * (graceful: requests in flight finish), the engine and the database pools close, and a last log line
 * says the shutdown completed. Each step logs an {@code event} key and its duration.
 */
final class EngineLifecycle implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(EngineLifecycle.class);
    /** After the agents are stopped, time for the runs to save their state. */
    private static final Duration SAVE_STATE_GRACE = Duration.ofSeconds(10);
    /** The event bus drain: enough for the pauses' events and a retry or two. */
    private static final Duration DRAIN_AT_MOST = Duration.ofSeconds(10);
    private final Engine engine;
    private final AgentProcessRegistry registry;
    private final EngineSettings settings;
    private final Duration shutdownTimeout;
    private final AtomicBoolean shuttingDown;
    private final ServerEventBus eventBus;
    private volatile boolean running;
    /** System.nanoTime() when stop began; 0 while it has not. */
    private volatile long shutdownStarted;

    EngineLifecycle(Engine engine, AgentProcessRegistry registry, EngineSettings settings, Duration shutdownTimeout, AtomicBoolean shuttingDown,
                    ServerEventBus eventBus) {
        this.eventBus = eventBus;
        this.engine = engine;
        this.registry = registry;
        this.settings = settings;
        this.shutdownTimeout = shutdownTimeout;
        this.shuttingDown = shuttingDown;
    }

    @Override
    public void start() {
        var reaped = registry.reapOrphans(settings.agentStopTimeout());
        if (!reaped.isEmpty()) {
            log.atWarn().addKeyValue("event", "OrphanAgentsKilled").addKeyValue("count", reaped.size())
                    .log("killed {} agent process(es) left by a previous server: {}", reaped.size(), reaped);
        }
        List<String> recovered = engine.recover();
        if (!recovered.isEmpty()) log.atInfo().addKeyValue("event", "WorkflowsRecovered").log("running again after restart: {}", recovered);
        // Spring Boot runs these after every context has closed (pools included) and, registered after its
        // logging system's, before logging shuts down. Registration is refused once a shutdown is under way.
        SpringApplication.getShutdownHandlers().add(this::logCompleted);
        running = true;
    }

    @Override
    public void stop() {
        long started = System.nanoTime();
        shutdownStarted = started;
        engine.refuseNewRuns(); // first: once /ready says 503, no start may slip through any more
        shuttingDown.set(true);
        log.atInfo().addKeyValue("event", "ShutdownStarted").addKeyValue("activeWorkflows", engine.activeRuns())
                .addKeyValue("shutdownTimeoutMs", shutdownTimeout.toMillis())
                .log("shutting down: /ready answers 503, no workflow starts, running workflows are paused");

        List<String> paused = engine.pauseAll(pauseBudget());
        log.atInfo().addKeyValue("event", "WorkflowsPaused").addKeyValue("count", paused.size()).addKeyValue("duration", millisSince(started))
                .log("paused {} running workflow(s) for shutdown: {}", paused.size(), paused);

        long draining = System.nanoTime();
        // The pauses' events reach their handlers (Redis: the stream is read up to its end, then reading stops and
        // the handler in flight finishes; in memory: waiting retries get their chance), then the spec file writer.
        long left = eventBus.drain(drainBudget(started));
        engine.flushSpecFiles();
        log.atInfo().addKeyValue("event", "EventHandlersDrained").addKeyValue("duration", millisSince(draining))
                .addKeyValue("eventBus", eventBus.type()).addKeyValue("eventsLeft", left)
                .log("event handlers drained ({} events left for the next start), spec files written with the paused state", left);
        running = false;
    }

    /** What is left of SHUTDOWN_TIMEOUT_MS, at most {@link #DRAIN_AT_MOST}: the web server and the pools still have to close. */
    private Duration drainBudget(long started) {
        Duration left = shutdownTimeout.minus(Duration.ofNanos(System.nanoTime() - started));
        if (left.isNegative()) return Duration.ZERO;
        return left.compareTo(DRAIN_AT_MOST) < 0 ? left : DRAIN_AT_MOST;
    }

    /** Agents get AGENT_STOP_TIMEOUT_MS plus a little to save state, never more than the whole SHUTDOWN_TIMEOUT_MS. */
    private Duration pauseBudget() {
        Duration wanted = settings.agentStopTimeout().plus(SAVE_STATE_GRACE);
        return wanted.compareTo(shutdownTimeout) < 0 ? wanted : shutdownTimeout;
    }

    private void logCompleted() {
        long started = shutdownStarted;
        if (started == 0) return; // a context closed some other way (tests): nothing of ours to report
        log.atInfo().addKeyValue("event", "ShutdownCompleted").addKeyValue("duration", millisSince(started))
                .log("shutdown completed: workflows paused, web server, engine and database pools closed");
    }

    private static long millisSince(long nanoTime) {
        return Duration.ofNanos(System.nanoTime() - nanoTime).toMillis();
    }

    /** The default (last) phase: stops before the web server's graceful shutdown, so /ready can still say 503. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
