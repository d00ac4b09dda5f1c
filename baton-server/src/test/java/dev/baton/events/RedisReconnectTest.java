package dev.baton.events;

import dev.baton.store.EventCodec;
import dev.baton.workflow.WorkflowEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Redis of the test's own (AOF with an fsync per write, so what Redis acknowledged survives SIGKILL) is killed
 * while events are published and read, then started again on the same port and folder: every event reaches the
 * handler (at least once), and the bus says DOWN while Redis is away.
 */
class RedisReconnectTest {
    @TempDir
    Path dir;
    private Process redis;
    private RedisEventBus bus;

    @AfterEach
    void stop() {
        if (bus != null) bus.close();
        if (redis != null) redis.destroyForcibly();
    }

    @Test
    void noEventIsLostWhenRedisDiesAndComesBack() throws Exception {
        int port = freePort();
        redis = startRedis(port);
        RedisEventBusSettings settings = RedisEventBusSettings.defaults("redis://127.0.0.1:" + port, "baton-test:reconnect", "server-a")
                .withRetry(new HandlerRetryPolicy(1, Duration.ofMillis(50)));
        bus = RedisEventBus.connect(settings, new EventCodec(), EventBusMetrics.none(), RetryScheduler.timer("test-retry"), Clock.systemUTC());
        Set<Integer> handled = ConcurrentHashMap.newKeySet();
        bus.subscribe(e -> handled.add(((WorkflowEvent.CheckpointCreated) e).sequence()));
        bus.start();

        for (int i = 0; i < 100; i++) bus.publish(RedisEventBusTest.event(i));
        await().atMost(Duration.ofSeconds(20)).until(() -> handled.size() >= 50);

        redis.destroyForcibly().waitFor();
        await().atMost(Duration.ofSeconds(10)).until(() -> bus.unreachable(Duration.ofSeconds(1)) != null);
        // Published while Redis is away: buffered by the client, sent once it is back.
        for (int i = 100; i < 200; i++) bus.publish(RedisEventBusTest.event(i));
        Thread.sleep(1000); // let the reader fail and start retrying
        redis = startRedis(port);

        await().atMost(Duration.ofSeconds(60)).until(() -> handled.size() == 200);
        assertThat(handled).containsAll(IntStream.range(0, 200).boxed().toList());
        await().atMost(Duration.ofSeconds(10)).until(() -> bus.unreachable(Duration.ofSeconds(1)) == null);
    }

    @Test
    void eventsRedisNeverTookAreCountedInARowForTheEventBusDownAlert() throws Exception {
        int port = freePort();
        redis = startRedis(port);
        RedisEventBusSettings settings = RedisEventBusSettings.defaults("redis://127.0.0.1:" + port, "baton-test:down", "server-a")
                .withCommandTimeout(Duration.ofMillis(500));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        EventBusMetrics metrics = new EventBusMetrics(meters);
        bus = RedisEventBus.connect(settings, new EventCodec(), metrics, RetryScheduler.timer("test-retry"), Clock.systemUTC());
        Set<Integer> handled = ConcurrentHashMap.newKeySet();
        bus.subscribe(e -> handled.add(((WorkflowEvent.CheckpointCreated) e).sequence()));
        bus.start();
        bus.publish(RedisEventBusTest.event(0));
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains(0)); // taken by Redis before it dies

        redis.destroyForcibly().waitFor();
        for (int i = 1; i <= 6; i++) bus.publish(RedisEventBusTest.event(i));
        await().atMost(Duration.ofSeconds(20)).until(() -> metrics.consecutivePublishFailures() == 6);
        assertThat(meters.get("event.bus.publish.consecutive.failures").gauge().value()).isEqualTo(6);
        assertThat(metrics.publishFailures()).isEqualTo(6);

        redis = startRedis(port);
        await().atMost(Duration.ofSeconds(20)).until(() -> bus.unreachable(Duration.ofSeconds(1)) == null);
        bus.publish(RedisEventBusTest.event(7));
        await().atMost(Duration.ofSeconds(10)).until(() -> metrics.consecutivePublishFailures() == 0);
    }

    private Process startRedis(int port) throws IOException {
        Process p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "yes", "--appendfsync", "always", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis-" + System.nanoTime() + ".log").toFile()).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> accepts(port));
        return p;
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
