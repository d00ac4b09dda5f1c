package dev.baton.coordination;

import dev.baton.ping.Ping;
import dev.baton.ping.PingBus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.util.function.IntSupplier;

/**
 * The demand for workers: how many works wait for an agent slot (and workflows for a run slot). Core NATS keeps
 * no backlog, so besides the {@code worker.needed} ping while the queue is not empty, the depth is a gauge
 * ({@code worker_queue_length}) and an API answer — what an autoscaler such as KEDA reads.
 */
public final class WorkerDemand {
    private final IntSupplier queueLength;
    private final PingBus bus;
    private final Clock clock;
    private int lastSent;

    public WorkerDemand(IntSupplier queueLength, PingBus bus, Clock clock, MeterRegistry meters) {
        this.queueLength = queueLength;
        this.bus = bus;
        this.clock = clock;
        Gauge.builder("worker.queue.length", queueLength::getAsInt).description("Works waiting for an agent slot and workflows waiting for a run slot")
                .register(meters);
    }

    public int queueLength() {
        return queueLength.getAsInt();
    }

    /** Called every tick: pings while there is a queue, and once more when it has drained (queueLength 0). */
    synchronized void tick() {
        int n = queueLength();
        if (n > 0 || lastSent > 0) bus.publish(Ping.workerNeeded(n, clock.instant()));
        lastSent = n;
    }
}
