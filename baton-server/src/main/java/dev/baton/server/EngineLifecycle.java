package dev.baton.server;

import dev.baton.agent.process.AgentProcessRegistry;
import dev.baton.engine.Engine;
import dev.baton.engine.EngineSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Start: kills agent processes a crashed server left behind, then runs again the workflows it left
 * RUNNING or READY. Stop (SIGTERM, seed 001 §6.4): /ready turns 503, running workflows are paused
 * (agents stopped, state saved) before the web server and the pools close. Runs last on start and
 * first on stop.
 */
final class EngineLifecycle implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(EngineLifecycle.class);
    private final Engine engine;
    private final AgentProcessRegistry registry;
    private final EngineSettings settings;
    private final Duration shutdownTimeout;
    private final AtomicBoolean shuttingDown;
    private volatile boolean running;

    EngineLifecycle(Engine engine, AgentProcessRegistry registry, EngineSettings settings, Duration shutdownTimeout, AtomicBoolean shuttingDown) {
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
        running = true;
    }

    @Override
    public void stop() {
        shuttingDown.set(true);
        long started = System.nanoTime();
        Duration budget = shutdownTimeout.compareTo(settings.agentStopTimeout()) < 0 ? shutdownTimeout : settings.agentStopTimeout().plusSeconds(10);
        List<String> paused = engine.pauseAll(budget);
        log.atInfo().addKeyValue("event", "GracefulShutdown").addKeyValue("duration", Duration.ofNanos(System.nanoTime() - started).toMillis())
                .log("paused {} running workflow(s) for shutdown: {}", paused.size(), paused);
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
