package dev.baton.coordination;

import dev.baton.ping.InProcessPingBus;
import dev.baton.ping.Ping;
import dev.baton.ping.PingBusListener;
import dev.baton.ping.PingType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class WorkerDemandTest {

    @Test
    void pingsWhileWorksWaitOnceMoreWhenDrainedAndShowsTheDepthAsAGauge() throws Exception {
        AtomicInteger queue = new AtomicInteger();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        List<Ping> pings = new CopyOnWriteArrayList<>();
        try (InProcessPingBus bus = new InProcessPingBus(PingBusListener.NONE)) {
            bus.subscribe(PingType.WORKER_NEEDED, pings::add);
            WorkerDemand demand = new WorkerDemand(queue::get, bus, Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC), meters);

            demand.tick();
            queue.set(3);
            demand.tick();
            queue.set(0);
            demand.tick();
            demand.tick();

            await().until(() -> pings.size() == 2);
            assertThat(pings).extracting(Ping::queueLength).containsExactly(3, 0);
            assertThat(pings.getFirst().timestamp()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
            queue.set(5);
            assertThat(meters.get("worker.queue.length").gauge().value()).isEqualTo(5.0);
            assertThat(demand.queueLength()).isEqualTo(5);
        }
    }
}
