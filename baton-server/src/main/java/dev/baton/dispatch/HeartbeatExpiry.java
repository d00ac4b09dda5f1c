package dev.baton.dispatch;

import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Drops workers not heard of (no heartbeat, no answer) for longer than the expiry, connected or not, and
 * re-queues their sessions on other workers. {@link #sweep()} is the whole logic; {@link #start()} only
 * schedules it.
 */
public final class HeartbeatExpiry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeartbeatExpiry.class);

    private final WorkerRegistry registry;
    private final RemoteSessions sessions;
    private final DispatchSettings settings;
    private final DispatchMetrics metrics;
    private final Clock clock;
    private ScheduledExecutorService scheduler;

    public HeartbeatExpiry(WorkerRegistry registry, RemoteSessions sessions, DispatchSettings settings, DispatchMetrics metrics, Clock clock) {
        this.registry = registry;
        this.sessions = sessions;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Expires the silent workers now; returns them. */
    public List<ConnectedWorker> sweep() {
        List<ConnectedWorker> gone = registry.expire(clock.instant().minus(settings.heartbeatExpiry()));
        for (ConnectedWorker w : gone) {
            metrics.expired.increment();
            log.atWarn().addKeyValue("workerId", w.id())
                    .log("worker {} expired: not heard of since {} (expiry {} ms); re-queueing its {} session(s)", w.id(), w.lastSeen(),
                            settings.heartbeatExpiry().toMillis(), w.load());
            ConnectedWorker.close(w.link(), Status.UNAVAILABLE.withDescription("worker " + w.id() + " expired: no heartbeat within "
                    + settings.heartbeatExpiry().toMillis() + " ms"));
            sessions.workerLost(w);
        }
        return gone;
    }

    /** Sweeps a few times per expiry period, so a worker is dropped at most a third of the expiry late. */
    public synchronized HeartbeatExpiry start() {
        if (scheduler != null) return this;
        long period = Math.max(100, Math.min(1000, settings.heartbeatExpiry().toMillis() / 3));
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("heartbeat-expiry").factory());
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                sweep();
            } catch (RuntimeException e) {
                log.error("heartbeat expiry sweep failed", e);
            }
        }, period, period, TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) scheduler.shutdownNow();
    }

    Duration expiry() {
        return settings.heartbeatExpiry();
    }
}
