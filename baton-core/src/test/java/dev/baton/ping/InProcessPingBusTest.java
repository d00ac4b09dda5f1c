package dev.baton.ping;

import dev.baton.shared.BatonException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.slf4j.helpers.NOPMDCAdapter;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class InProcessPingBusTest {
    private static final Instant AT = Instant.parse("2026-02-19T10:30:00Z");

    private final RecordingListener listener = new RecordingListener();
    private final InProcessPingBus bus = new InProcessPingBus(listener);

    @AfterEach
    void closeBus() {
        bus.close();
    }

    @Test
    void everySubscriberOfTheTypeGetsThePingAndNoOneElse() throws Exception {
        List<Ping> a = new CopyOnWriteArrayList<>(), b = new CopyOnWriteArrayList<>(), workers = new CopyOnWriteArrayList<>();
        bus.subscribe(PingType.SPEC_CHANGED, a::add);
        bus.subscribe(PingType.SPEC_CHANGED, b::add);
        bus.subscribe(PingType.WORKER_NEEDED, workers::add);

        Ping changed = changed(1);
        bus.publish(changed);
        bus.publish(Ping.workerNeeded(3, AT));

        await().atMost(Duration.ofSeconds(10)).until(() -> a.size() == 1 && b.size() == 1 && workers.size() == 1);
        assertThat(a).containsExactly(changed);
        assertThat(b).containsExactly(changed);
        assertThat(workers).containsExactly(Ping.workerNeeded(3, AT));
        assertThat(listener.published).containsExactly(PingType.SPEC_CHANGED, PingType.WORKER_NEEDED);
        assertThat(listener.received).hasSize(3);
        assertThat(bus.state()).isEqualTo(BusState.CONNECTED);
        assertThat(bus.describe()).isEqualTo("in-process");
    }

    @Test
    void eachSubscriptionSeesPingsInPublishOrder() {
        List<Long> first = new CopyOnWriteArrayList<>(), second = new CopyOnWriteArrayList<>();
        bus.subscribe(PingType.SPEC_CHANGED, p -> first.add(p.version()));
        bus.subscribe(PingType.SPEC_CHANGED, p -> second.add(p.version()));

        for (long v = 1; v <= 2000; v++) bus.publish(changed(v));

        List<Long> expected = LongStream.rangeClosed(1, 2000).boxed().toList();
        await().atMost(Duration.ofSeconds(20)).until(() -> first.size() == 2000 && second.size() == 2000);
        assertThat(first).isEqualTo(expected);
        assertThat(second).isEqualTo(expected);
    }

    @Test
    void aThrowingHandlerIsCountedAndKeepsItsSubscription() {
        List<Long> got = new CopyOnWriteArrayList<>();
        bus.subscribe(PingType.SPEC_CHANGED, p -> {
            if (p.version() == 1) throw new IllegalStateException("handler bug");
            got.add(p.version());
        });

        bus.publish(changed(1));
        bus.publish(changed(2));

        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        assertThat(got).containsExactly(2L);
        assertThat(listener.rejected).containsExactly("handler failed");
    }

    @Test
    void aSlowHandlerHoldsUpNeitherThePublisherNorOtherSubscribers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Long> slow = new CopyOnWriteArrayList<>(), fast = new CopyOnWriteArrayList<>();
        bus.subscribe(PingType.SPEC_CHANGED, p -> {
            awaitQuietly(release);
            slow.add(p.version());
        });
        bus.subscribe(PingType.SPEC_CHANGED, p -> fast.add(p.version()));

        for (long v = 1; v <= 5; v++) bus.publish(changed(v)); // returns although the slow handler is stuck on the first

        await().atMost(Duration.ofSeconds(10)).until(() -> fast.size() == 5);
        assertThat(slow).isEmpty();
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> slow.size() == 5);
        assertThat(slow).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void aClosedSubscriptionGetsNothingMore() throws Exception {
        List<Long> closed = new CopyOnWriteArrayList<>(), open = new CopyOnWriteArrayList<>();
        AutoCloseable subscription = bus.subscribe(PingType.SPEC_CHANGED, p -> closed.add(p.version()));
        bus.subscribe(PingType.SPEC_CHANGED, p -> open.add(p.version()));
        bus.publish(changed(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> closed.size() == 1 && open.size() == 1);

        subscription.close();
        bus.publish(changed(2));

        await().atMost(Duration.ofSeconds(10)).until(() -> open.size() == 2);
        assertThat(closed).containsExactly(1L);
    }

    @Test
    void aClosedBusDeliversNothingAndRefusesNewSubscribersButPublishDoesNotThrow() {
        List<Ping> got = new CopyOnWriteArrayList<>();
        bus.subscribe(PingType.WORKER_NEEDED, got::add);

        bus.close();
        bus.publish(Ping.workerNeeded(1, AT));

        assertThat(bus.state()).isEqualTo(BusState.CLOSED);
        assertThat(listener.rejected).containsExactly("bus closed");
        assertThat(got).isEmpty();
        assertThatThrownBy(() -> bus.subscribe(PingType.WORKER_NEEDED, got::add)).isInstanceOfSatisfying(BatonException.Conflict.class,
                e -> assertThat(e.code()).isEqualTo("ping.bus-closed"));
    }

    @Test
    void anOversizePingIsTheCallersErrorAndIsNotDelivered() {
        List<Ping> got = new CopyOnWriteArrayList<>();
        bus.subscribe(PingType.SPEC_CHANGED, got::add);

        assertThatThrownBy(() -> bus.publish(Ping.specChanged("wf-1", "/" + "x".repeat(2000), 1, "ab", AT)))
                .isInstanceOfSatisfying(BatonException.Invalid.class, e -> assertThat(e.code()).isEqualTo("ping.too-large"));
        bus.publish(changed(2));

        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        assertThat(got).extracting(Ping::version).containsExactly(2L);
        assertThat(listener.published).hasSize(1);
    }

    @Test
    void theHandlerRunsWithThePublishersCorrelationId() {
        // slf4j-simple, these modules' test logger, binds a no-op MDC; the server's logback runs this for real.
        assumeFalse(MDC.getMDCAdapter() instanceof NOPMDCAdapter, "needs an SLF4J binding with a working MDC");
        Queue<String> seen = new ConcurrentLinkedQueue<>();
        bus.subscribe(PingType.SPEC_CHANGED, p -> seen.add(String.valueOf(MDC.get(PingCorrelation.MDC_KEY))));

        MDC.put(PingCorrelation.MDC_KEY, "wf-1-abc");
        try {
            bus.publish(changed(1));
        } finally {
            MDC.remove(PingCorrelation.MDC_KEY);
        }
        bus.publish(changed(2));

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
        assertThat(seen).containsExactly("wf-1-abc", "null");
    }

    private static Ping changed(long version) {
        return Ping.specChanged("wf-1", "/d/specs/active/wf-1.yaml", version, "ab12", AT);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static final class RecordingListener implements PingBusListener {
        final List<PingType> published = new CopyOnWriteArrayList<>();
        final List<PingType> received = new CopyOnWriteArrayList<>();
        final List<String> rejected = new CopyOnWriteArrayList<>();

        @Override
        public void published(PingType type, int bytes) {
            published.add(type);
        }

        @Override
        public void received(PingType type) {
            received.add(type);
        }

        @Override
        public void rejected(String reason) {
            rejected.add(reason);
        }
    }
}
