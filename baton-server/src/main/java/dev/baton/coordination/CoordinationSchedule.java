package dev.baton.coordination;

import dev.baton.ping.Ping;
import dev.baton.ping.PingBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The periodic pings: {@code worker.needed} while works wait for a slot, {@code system.health} from this service. */
public final class CoordinationSchedule implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CoordinationSchedule.class);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("coordination-timer").factory());

    public CoordinationSchedule(WorkerDemand demand, Duration demandInterval, PingBus bus, String service, BooleanSupplier healthy,
                                Duration healthInterval, Clock clock) {
        timer.scheduleWithFixedDelay(guarded(demand::tick), demandInterval.toMillis(), demandInterval.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(guarded(() -> bus.publish(Ping.systemHealth(service, healthy.getAsBoolean(), clock.instant()))),
                0, healthInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Runnable guarded(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("periodic ping failed: {}", e.toString());
            }
        };
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
