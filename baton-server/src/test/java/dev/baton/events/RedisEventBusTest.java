package dev.baton.events;

import dev.baton.store.EventCodec;
import dev.baton.workflow.WorkflowEvent;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.slf4j.MDC;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Redis Streams bus against the real Redis at 127.0.0.1:6379, each test on a stream key of its own. */
class RedisEventBusTest {
    static final String URL = "redis://127.0.0.1:6379";
    private static RedisClient admin;
    private static StatefulRedisConnection<String, String> adminConnection;
    private final List<RedisEventBus> buses = new ArrayList<>();
    private final EventBusMetrics metrics = EventBusMetrics.none();
    private String stream;

    @BeforeAll
    static void connect() {
        admin = RedisClient.create(URL);
        adminConnection = admin.connect();
    }

    @AfterAll
    static void disconnect() {
        adminConnection.close();
        admin.shutdown();
    }

    @BeforeEach
    void streamKey(TestInfo test) {
        stream = "baton-test:" + test.getTestMethod().orElseThrow().getName() + ":" + UUID.randomUUID();
    }

    @AfterEach
    void cleanUp() {
        buses.forEach(RedisEventBus::close);
        redis().del(stream, stream + ":dead-letter");
    }

    static RedisCommands<String, String> redis() {
        return adminConnection.sync();
    }

    private RedisEventBusSettings settings(String consumer) {
        return RedisEventBusSettings.defaults(URL, stream, consumer).withRetry(new HandlerRetryPolicy(2, Duration.ofMillis(20)));
    }

    private RedisEventBus bus(RedisEventBusSettings s) {
        RedisEventBus bus = RedisEventBus.connect(s, new EventCodec(), metrics, RetryScheduler.timer("test-retry"), Clock.systemUTC());
        buses.add(bus);
        return bus;
    }

    static WorkflowEvent event(int i) {
        return new WorkflowEvent.CheckpointCreated("wf-redis", "corr-redis-" + i, Instant.parse("2026-12-01T10:00:00Z").plusMillis(i),
                "wk-" + i, i, Map.of("app", "abc" + i));
    }

    @Test
    void aPublishedEventReachesTheHandlerWholeWithItsCorrelationId() {
        RedisEventBus bus = bus(settings("c1"));
        List<WorkflowEvent> seen = new CopyOnWriteArrayList<>();
        List<String> correlation = new CopyOnWriteArrayList<>();
        bus.subscribe(e -> {
            seen.add(e);
            correlation.add(MDC.get("correlationId") + "/" + MDC.get("workflowId"));
        });
        bus.start();

        bus.publish(event(1));

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
        assertThat(seen).containsExactly(event(1));
        assertThat(correlation).containsExactly("corr-redis-1/wf-redis");
        List<StreamMessage<String, String>> entries = redis().xrange(stream, Range.create("-", "+"));
        assertThat(entries).hasSize(1);
        assertThat(entries.getFirst().getBody()).containsEntry("type", "CheckpointCreated").containsEntry("correlationId", "corr-redis-1")
                .containsEntry("workflowId", "wf-redis").containsKey("payload");
        // acknowledged once handled: nothing pending, and the depth says so
        await().atMost(Duration.ofSeconds(10)).until(() -> redis().xpending(stream, "baton").getCount() == 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> bus.queueDepth() == 0);
        assertThat(bus.unreachable(Duration.ofSeconds(3))).isNull();
        assertThat(metrics.delaysRecorded()).isPositive();
    }

    @Test
    void aFailingHandlerIsRetriedThenDeadLetteredAndTheEntryAcknowledged() {
        RedisEventBus bus = bus(settings("c1"));
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        List<WorkflowEvent> healthy = new CopyOnWriteArrayList<>();
        bus.subscribe(e -> {
            attempts.add(attempts.size() + 1);
            throw new IllegalStateException("cannot write spec file");
        });
        bus.subscribe(healthy::add);
        bus.start();
        double errorsBefore = metrics.handlerErrors();

        bus.publish(event(2));

        await().atMost(Duration.ofSeconds(10)).until(() -> redis().xlen(stream + ":dead-letter") == 1);
        assertThat(attempts).containsExactly(1, 2, 3); // first attempt + 2 retries
        assertThat(healthy).containsExactly(event(2)); // the other handler ran once
        assertThat(metrics.handlerErrors() - errorsBefore).isEqualTo(3);
        StreamMessage<String, String> letter = redis().xrange(stream + ":dead-letter", Range.create("-", "+")).getFirst();
        String entryId = redis().xrange(stream, Range.create("-", "+")).getFirst().getId();
        assertThat(letter.getBody()).containsEntry("type", "CheckpointCreated").containsEntry("correlationId", "corr-redis-2")
                .containsEntry("attempts", "3").containsEntry("entryId", entryId).containsEntry("handler", RedisEventBusTest.class.getName());
        assertThat(letter.getBody().get("error")).contains("cannot write spec file");
        assertThat(new EventCodec().decode("CheckpointCreated", letter.getBody().get("payload"))).isEqualTo(event(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> redis().xpending(stream, "baton").getCount() == 0);
    }

    @Test
    void twoServersInOneGroupHandleEachEventOnce() {
        RedisEventBus a = bus(settings("server-a"));
        RedisEventBus b = bus(settings("server-b"));
        Map<Integer, Integer> handled = new ConcurrentHashMap<>();
        Set<String> who = ConcurrentHashMap.newKeySet();
        a.subscribe(e -> { handled.merge(((WorkflowEvent.CheckpointCreated) e).sequence(), 1, Integer::sum); who.add("a"); });
        b.subscribe(e -> { handled.merge(((WorkflowEvent.CheckpointCreated) e).sequence(), 1, Integer::sum); who.add("b"); });
        a.start();
        b.start();

        for (int i = 0; i < 200; i++) (i % 2 == 0 ? a : b).publish(event(i));

        await().atMost(Duration.ofSeconds(20)).until(() -> handled.size() == 200 && redis().xpending(stream, "baton").getCount() == 0);
        assertThat(handled.values()).allMatch(n -> n == 1);
        assertThat(handled.keySet()).containsAll(java.util.stream.IntStream.range(0, 200).boxed().toList());
    }

    @Test
    void entriesLeftPendingByAStoppedConsumerAreClaimedByTheNextOne() {
        // Server A takes the entries and fails on them with its next retry far away, then stops: they stay pending at A.
        RedisEventBus a = bus(settings("server-a").withRetry(new HandlerRetryPolicy(1, Duration.ofHours(1))));
        a.subscribe(e -> {
            throw new IllegalStateException("A cannot handle it now");
        });
        a.start();
        for (int i = 0; i < 5; i++) a.publish(event(i));
        await().atMost(Duration.ofSeconds(10)).until(() -> redis().xpending(stream, "baton").getCount() == 5);
        assertThat(a.drain(Duration.ofSeconds(1))).as("retries left pending").isEqualTo(5 + 5);
        a.close();
        buses.remove(a);

        // Server B, started after A left, takes them over (idle longer than claimIdle) and handles them.
        RedisEventBus b = bus(settings("server-b").withClaimIdle(Duration.ofMillis(200)));
        Set<Integer> handled = ConcurrentHashMap.newKeySet();
        b.subscribe(e -> handled.add(((WorkflowEvent.CheckpointCreated) e).sequence()));
        b.start();

        await().atMost(Duration.ofSeconds(20)).until(() -> handled.size() == 5);
        assertThat(handled).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
        await().atMost(Duration.ofSeconds(10)).until(() -> redis().xpending(stream, "baton").getCount() == 0);
        assertThat(redis().xlen(stream + ":dead-letter")).isZero();
    }

    @Test
    void aRestartedConsumerReadsItsOwnPendingEntriesAgain() {
        RedisEventBus first = bus(settings("server-a").withRetry(new HandlerRetryPolicy(1, Duration.ofHours(1))));
        first.subscribe(e -> {
            throw new IllegalStateException("not now");
        });
        first.start();
        first.publish(event(7));
        await().atMost(Duration.ofSeconds(10)).until(() -> redis().xpending(stream, "baton").getCount() == 1);
        first.close();
        buses.remove(first);

        RedisEventBus again = bus(settings("server-a")); // same name, default claimIdle of 60 s: its own pending list, not a claim
        List<WorkflowEvent> seen = new CopyOnWriteArrayList<>();
        again.subscribe(seen::add);
        again.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
        assertThat(seen).containsExactly(event(7));
    }

    @Test
    void drainHandlesWhatIsQueuedThenStopsReading() {
        RedisEventBus bus = bus(settings("c1"));
        Set<Integer> handled = ConcurrentHashMap.newKeySet();
        bus.subscribe(e -> handled.add(((WorkflowEvent.CheckpointCreated) e).sequence()));
        bus.start();
        for (int i = 0; i < 50; i++) bus.publish(event(i));

        long left = bus.drain(Duration.ofSeconds(20));

        assertThat(left).isZero();
        assertThat(handled).hasSize(50);
        bus.publish(event(99)); // still published, for the next reader
        await().atMost(Duration.ofSeconds(10)).until(() -> redis().xlen(stream) == 51);
        assertThat(new HashSet<>(handled)).doesNotContain(99);
    }

    @Test
    void anUnknownEntryIsDeadLetteredNotRetriedForever() {
        RedisEventBus bus = bus(settings("c1"));
        List<WorkflowEvent> seen = new CopyOnWriteArrayList<>();
        bus.subscribe(seen::add);
        bus.start();

        redis().xadd(stream, Map.of("type", "NoSuchEvent", "payload", "{}"));
        bus.publish(event(3));

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1 && redis().xlen(stream + ":dead-letter") == 1);
        assertThat(redis().xrange(stream + ":dead-letter", Range.create("-", "+")).getFirst().getBody())
                .containsEntry("type", "NoSuchEvent").containsKey("error");
        await().atMost(Duration.ofSeconds(10)).until(() -> redis().xpending(stream, "baton").getCount() == 0);
    }
}
