package dev.baton.ping.nats;

import dev.baton.ping.BusState;
import dev.baton.ping.Ping;
import dev.baton.ping.PingBusListener;
import dev.baton.ping.PingCodec;
import dev.baton.ping.PingCorrelation;
import dev.baton.ping.PingType;
import dev.baton.shared.BatonException;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.slf4j.helpers.NOPMDCAdapter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Against real nats-server processes of this class's own; the ones that kill a server start a separate one. */
class NatsPingBusTest {
    private static final Instant AT = Instant.parse("2026-02-19T10:30:00.123Z");
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final NatsServerProcess nats = NatsServerProcess.onFreePort();

    private final RecordingListener listener = new RecordingListener();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        nats.start();
    }

    @AfterAll
    static void stopServer() {
        nats.stop();
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable c : toClose.reversed()) c.close();
    }

    @Test
    void aPingTravelsOnItsSubjectAsExactlyTheCodecsBytes() throws Exception {
        NatsPingBus bus = bus(nats.url());
        Connection raw = raw(nats.url());
        Subscription wire = raw.subscribe("spec.changed");
        raw.flush(PATIENCE);
        List<Ping> got = new CopyOnWriteArrayList<>();
        bus.subscribe(PingType.SPEC_CHANGED, got::add);
        bus.flush(PATIENCE);

        Ping ping = Ping.specChanged("wf-1", "/d/specs/active/wf-1.yaml", 3, "ab12", AT);
        bus.publish(ping);

        Message m = wire.nextMessage(PATIENCE);
        assertThat(m.getSubject()).isEqualTo("spec.changed");
        assertThat(new String(m.getData(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"type\":\"spec.changed\",\"specId\":\"wf-1\",\"path\":\"/d/specs/active/wf-1.yaml\",\"version\":3,"
                        + "\"sha256\":\"ab12\",\"timestamp\":\"2026-02-19T10:30:00.123Z\"}");
        assertThat(m.getData()).isEqualTo(PingCodec.encode(ping));
        await().atMost(PATIENCE).until(() -> got.size() == 1);
        assertThat(got).containsExactly(ping);
        assertThat(listener.published).containsExactly(PingType.SPEC_CHANGED);
        assertThat(listener.received).containsExactly(PingType.SPEC_CHANGED);
        assertThat(bus.state()).isEqualTo(BusState.CONNECTED);
        await().atMost(PATIENCE).until(() -> listener.events.contains("CONNECTED"));
    }

    @Test
    void eachOfTheFourTypesReachesOnlyItsOwnSubscribers() throws Exception {
        NatsPingBus bus = bus(nats.url());
        Connection raw = raw(nats.url());
        Subscription wire = raw.subscribe(">");
        raw.flush(PATIENCE);
        List<Ping> all = List.of(Ping.specChanged("wf-1", "/a.yaml", 1, "ab", AT), Ping.specCompleted("wf-1", "/b.yaml", null, "cd", AT),
                Ping.workerNeeded(5, AT), Ping.systemHealth("baton-server", true, AT));
        List<List<Ping>> received = new ArrayList<>();
        for (Ping p : all) {
            List<Ping> forType = new CopyOnWriteArrayList<>();
            received.add(forType);
            bus.subscribe(p.type(), forType::add);
        }
        bus.flush(PATIENCE);

        all.forEach(bus::publish);

        for (Ping p : all) {
            Message m = wire.nextMessage(PATIENCE);
            assertThat(m.getSubject()).isEqualTo(p.type().subject());
            assertThat(PingCodec.decode(m.getData())).isEqualTo(p);
        }
        await().atMost(PATIENCE).until(() -> received.stream().allMatch(r -> r.size() == 1));
        for (int i = 0; i < all.size(); i++) assertThat(received.get(i)).containsExactly(all.get(i));
    }

    @Test
    void badMessagesFromOtherSendersAreSkippedAndCountedAndTheNextGoodOneArrives() throws Exception {
        NatsPingBus bus = bus(nats.url());
        List<Ping> got = new CopyOnWriteArrayList<>();
        bus.subscribe(PingType.SPEC_CHANGED, got::add);
        bus.flush(PATIENCE);
        Connection raw = raw(nats.url());
        byte[] oversize = new byte[PingCodec.MAX_PAYLOAD_BYTES + 1];
        Arrays.fill(oversize, (byte) ' ');

        raw.publish("spec.changed", oversize);
        raw.publish("spec.changed", "not json".getBytes(StandardCharsets.UTF_8));
        raw.publish("spec.changed", PingCodec.encode(Ping.workerNeeded(1, AT)));
        Ping good = Ping.specChanged("wf-2", "/c.yaml", 2, "ef", AT);
        raw.publish("spec.changed", PingCodec.encode(good));
        raw.flush(PATIENCE);

        await().atMost(PATIENCE).until(() -> got.size() == 1);
        assertThat(got).containsExactly(good);
        assertThat(listener.rejected).containsExactly("ping.too-large", "ping.malformed", "ping.subject-mismatch");
    }

    @Test
    void aThrowingHandlerIsCountedAndKeepsItsSubscription() {
        NatsPingBus bus = bus(nats.url());
        List<Integer> got = new CopyOnWriteArrayList<>();
        bus.subscribe(PingType.WORKER_NEEDED, p -> {
            if (p.queueLength() == 1) throw new IllegalStateException("handler bug");
            got.add(p.queueLength());
        });
        bus.flush(PATIENCE);

        bus.publish(Ping.workerNeeded(1, AT));
        bus.publish(Ping.workerNeeded(2, AT));

        await().atMost(PATIENCE).until(() -> got.size() == 1);
        assertThat(got).containsExactly(2);
        assertThat(listener.rejected).containsExactly("handler failed");
    }

    @Test
    void aClosedSubscriptionGetsNothingMore() throws Exception {
        NatsPingBus bus = bus(nats.url());
        List<Integer> closed = new CopyOnWriteArrayList<>(), open = new CopyOnWriteArrayList<>();
        AutoCloseable subscription = bus.subscribe(PingType.WORKER_NEEDED, p -> closed.add(p.queueLength()));
        bus.subscribe(PingType.WORKER_NEEDED, p -> open.add(p.queueLength()));
        bus.flush(PATIENCE);
        bus.publish(Ping.workerNeeded(1, AT));
        await().atMost(PATIENCE).until(() -> closed.size() == 1 && open.size() == 1);

        subscription.close();
        bus.flush(PATIENCE);
        bus.publish(Ping.workerNeeded(2, AT));

        await().atMost(PATIENCE).until(() -> open.size() == 2);
        bus.flush(PATIENCE);
        assertThat(closed).containsExactly(1);
    }

    @Test
    void whileTheServerIsDownPublishesAreBufferedAndArriveAfterItRestarts() {
        NatsServerProcess server = own(NatsServerProcess.onFreePort().start());
        NatsPingBus bus = bus(server.url());
        List<Long> got = new CopyOnWriteArrayList<>();
        bus.subscribe(PingType.SPEC_CHANGED, p -> got.add(p.version()));
        bus.flush(PATIENCE);

        server.stop();
        await().atMost(PATIENCE).until(() -> bus.state() == BusState.RECONNECTING);
        await().atMost(PATIENCE).until(() -> listener.events.contains("DISCONNECTED"));
        for (long v = 1; v <= 3; v++) bus.publish(Ping.specChanged("wf-1", "/a.yaml", v, "ab", AT)); // does not throw
        assertThat(got).isEmpty();

        server.start();

        await().atMost(PATIENCE).until(() -> got.size() == 3);
        assertThat(got).containsExactly(1L, 2L, 3L);
        assertThat(bus.state()).isEqualTo(BusState.CONNECTED);
        await().atMost(PATIENCE).until(() -> listener.events.contains("RECONNECTED"));
        assertThat(listener.rejected).isEmpty();
    }

    @Test
    void connectingWhileTheServerIsDownReturnsAtOnceAndConnectsWhenItComesUp() {
        NatsServerProcess server = own(NatsServerProcess.onFreePort());
        NatsPingBus bus = bus(server.url());
        assertThat(bus.state()).isEqualTo(BusState.RECONNECTING);
        List<Ping> got = new CopyOnWriteArrayList<>();
        bus.subscribe(PingType.SYSTEM_HEALTH, got::add);
        Ping early = Ping.systemHealth("baton-server", true, AT);
        bus.publish(early);

        server.start();

        await().atMost(PATIENCE).until(() -> bus.state() == BusState.CONNECTED);
        await().atMost(PATIENCE).until(() -> got.size() == 1);
        assertThat(got).containsExactly(early);
        // jnats reports the first success after failed attempts as RECONNECTED.
        await().atMost(PATIENCE).until(() -> listener.events.contains("CONNECTED") || listener.events.contains("RECONNECTED"));
    }

    @Test
    void closingWhileStillConnectingStopsTheRetries() {
        NatsServerProcess down = own(NatsServerProcess.onFreePort());
        NatsPingBus bus = bus(down.url());

        bus.close();

        assertThat(bus.state()).isEqualTo(BusState.CLOSED);
        await().atMost(PATIENCE).until(() -> listener.events.contains("CLOSED"));
    }

    @Test
    void aFullReconnectBufferDropsPingsWithoutThrowing() {
        NatsServerProcess down = own(NatsServerProcess.onFreePort());
        NatsSettings tiny = new NatsSettings(down.url(), "baton-test", Duration.ofSeconds(2), Duration.ofMillis(250), Duration.ofMillis(50), 1000);
        NatsPingBus bus = closeLater(NatsPingBus.connect(tiny, listener));

        for (int i = 0; i < 50; i++) bus.publish(Ping.specChanged("wf-" + i, "/d/specs/active/wf-" + i + ".yaml", i, "ab", AT));

        assertThat(listener.rejected).isNotEmpty().containsOnly("reconnect buffer full");
        assertThat(listener.published.size() + listener.rejected.size()).isEqualTo(50);
    }

    @Test
    void aClosedBusRefusesSubscribersAndDropsPublishesQuietly() {
        NatsPingBus bus = bus(nats.url());
        bus.close();

        bus.publish(Ping.workerNeeded(1, AT));

        assertThat(bus.state()).isEqualTo(BusState.CLOSED);
        assertThat(listener.rejected).containsExactly("bus closed");
        assertThatThrownBy(() -> bus.subscribe(PingType.WORKER_NEEDED, p -> {
        })).isInstanceOfSatisfying(BatonException.Conflict.class, e -> assertThat(e.code()).isEqualTo("ping.bus-closed"));
        await().atMost(PATIENCE).until(() -> listener.events.contains("CLOSED"));
    }

    @Test
    void anOversizePingIsTheCallersError() {
        NatsPingBus bus = bus(nats.url());
        assertThatThrownBy(() -> bus.publish(Ping.specChanged("wf-1", "/" + "x".repeat(2000), 1, "ab", AT)))
                .isInstanceOfSatisfying(BatonException.Invalid.class, e -> assertThat(e.code()).isEqualTo("ping.too-large"));
    }

    @Test
    void credentialsInTheUrlAreUsedButNeverShown() {
        NatsServerProcess secured = own(NatsServerProcess.onFreePort("--user", "baton", "--pass", "s3cret").start());
        String url = "nats://baton:s3cret@127.0.0.1:" + secured.port();

        NatsPingBus bus = bus(url);

        assertThat(bus.state()).isEqualTo(BusState.CONNECTED);
        assertThat(bus.describe()).isEqualTo("nats://***@127.0.0.1:" + secured.port());
        assertThat(NatsSettings.defaults(url).toString()).doesNotContain("s3cret").contains("nats://***@127.0.0.1:");
    }

    @Test
    void maskingCoversTokensListsAndUrlsWithoutCredentials() {
        assertThat(NatsUrl.masked("nats://s3cr3tToken@nats.internal:4222")).isEqualTo("nats://***@nats.internal:4222");
        assertThat(NatsUrl.masked("nats://u:p@ss@a:4222,tls://v:q@b:4222")).isEqualTo("nats://***@a:4222,tls://***@b:4222");
        assertThat(NatsUrl.masked("user:pw@host:4222")).isEqualTo("***@host:4222");
        assertThat(NatsUrl.masked("nats://127.0.0.1:4222")).isEqualTo("nats://127.0.0.1:4222");
        assertThat(NatsUrl.masked("ws://host:8080/path@x")).isEqualTo("ws://host:8080/path@x");
    }

    @Test
    void anUnparsableUrlIsRejectedWithoutEchoingIt() {
        assertThatThrownBy(() -> NatsPingBus.connect(NatsSettings.defaults("nats://u:s3cret@[bad"), listener))
                .isInstanceOfSatisfying(BatonException.Invalid.class, e -> {
                    assertThat(e.code()).isEqualTo("nats.url-invalid");
                    assertThat(e.getMessage()).doesNotContain("s3cret");
                });
    }

    @Test
    void theCorrelationIdTravelsInAHeaderToTheHandlersMdc() throws Exception {
        // slf4j-simple, this module's test logger, binds a no-op MDC; the server's logback runs this for real.
        assumeFalse(MDC.getMDCAdapter() instanceof NOPMDCAdapter, "needs an SLF4J binding with a working MDC");
        NatsPingBus bus = bus(nats.url());
        Connection raw = raw(nats.url());
        Subscription wire = raw.subscribe("spec.completed");
        raw.flush(PATIENCE);
        List<String> seen = new CopyOnWriteArrayList<>();
        bus.subscribe(PingType.SPEC_COMPLETED, p -> seen.add(MDC.get(PingCorrelation.MDC_KEY)));
        bus.flush(PATIENCE);

        MDC.put(PingCorrelation.MDC_KEY, "wf-1-abc");
        try {
            bus.publish(Ping.specCompleted("wf-1", "/a.yaml", 1L, "ab", AT));
        } finally {
            MDC.remove(PingCorrelation.MDC_KEY);
        }

        assertThat(wire.nextMessage(PATIENCE).getHeaders().getFirst(PingCorrelation.HEADER)).isEqualTo("wf-1-abc");
        await().atMost(PATIENCE).until(() -> seen.size() == 1);
        assertThat(seen).containsExactly("wf-1-abc");
    }

    private NatsPingBus bus(String url) {
        NatsSettings quick = new NatsSettings(url, "baton-test", Duration.ofSeconds(2), Duration.ofMillis(250), Duration.ofMillis(50), 8L * 1024 * 1024);
        return closeLater(NatsPingBus.connect(quick, listener));
    }

    private Connection raw(String url) throws Exception {
        Connection c = Nats.connect(url);
        toClose.add(c::close);
        return c;
    }

    private NatsServerProcess own(NatsServerProcess server) {
        return closeLater(server);
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    static final class RecordingListener implements PingBusListener {
        final List<PingType> published = new CopyOnWriteArrayList<>();
        final List<PingType> received = new CopyOnWriteArrayList<>();
        final List<String> rejected = new CopyOnWriteArrayList<>();
        final List<String> events = new CopyOnWriteArrayList<>();

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

        @Override
        public void connectionEvent(String event) {
            events.add(event);
        }
    }
}
