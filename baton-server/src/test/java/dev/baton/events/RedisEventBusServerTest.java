package dev.baton.events;

import dev.baton.api.rest.BatonServer;
import dev.baton.api.rest.BatonServer.Response;
import dev.baton.server.BatonApplication;
import dev.baton.workflow.EventBus;
import dev.baton.workflow.WorkflowEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real server with EVENT_BUS_TYPE=redis (the real Redis at 127.0.0.1:6379, a stream of its own) runs a real
 * workflow to COMPLETED. The engine's spec file writer and the completion ping listen on the bus, now behind a
 * Redis round trip: the spec file still ends up showing the final statuses, and /ready shows the Redis bus.
 */
@SpringBootTest(classes = BatonApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class RedisEventBusServerTest {
    private static final String STREAM = "baton-test:server:" + UUID.randomUUID();

    @TempDir
    static Path dataDir;

    @LocalServerPort
    int port;

    @Autowired
    EventBus bus;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        BatonServer.register(registry, () -> dataDir);
        registry.add("event-bus.type", () -> "redis");
        registry.add("event-bus.redis-url", () -> RedisEventBusTest.URL);
        registry.add("event-bus.stream", () -> STREAM);
    }

    @BeforeAll
    static void repositories() throws Exception {
        BatonServer.gitRepository(dataDir, "app");
    }

    @AfterAll
    static void dropStream() {
        try (var client = io.lettuce.core.RedisClient.create(RedisEventBusTest.URL); var c = client.connect()) {
            c.sync().del(STREAM, STREAM + ":dead-letter");
        }
    }

    @Test
    void aWorkflowCompletesAndItsSpecFileShowsTheFinalStatuses() {
        BatonServer api = new BatonServer(port);
        assertThat(bus).isInstanceOf(RedisEventBus.class);
        List<WorkflowEvent> heard = new CopyOnWriteArrayList<>();
        bus.subscribe(e -> { if ("wf-redis-e2e".equals(e.workflowId())) heard.add(e); });

        Response created = api.postYaml("/api/v1/workflows?start=true", BatonServer.spec("wf-redis-e2e", """
                works:
                  - id: wk-a
                    name: First
                    agent: scripted
                  - id: wk-b
                    name: Second
                    agent: scripted
                tasks:
                  - id: t1
                    work: wk-a
                    query: "echo one"
                  - id: t2
                    work: wk-b
                    query: "echo two"
                """));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> api.status("wf-redis-e2e").equals("COMPLETED"));
        // The spec file is written by a handler that now runs after a trip through Redis: it catches up shortly.
        Path spec = dataDir.resolve("specs/active/wf-redis-e2e.yaml");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Map<String, Object> file = new Yaml().load(Files.readString(spec));
            assertThat(file.get("status")).isEqualTo("completed");
            @SuppressWarnings("unchecked") List<Map<String, Object>> tasks = (List<Map<String, Object>>) file.get("tasks");
            assertThat(tasks).extracting(t -> t.get("status")).containsExactly("completed", "completed");
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> heard.stream().anyMatch(e -> e instanceof WorkflowEvent.WorkflowCompleted));
        assertThat(heard).extracting(WorkflowEvent::type).contains("WorkflowStarted", "WorkStarted", "QuerySent", "CheckpointCreated");

        JsonNode ready = api.get("/ready").json();
        JsonNode eventBus = ready.get("checks").get("eventBus");
        assertThat(eventBus.get("status").asString()).as(eventBus.toString()).isEqualTo("UP");
        assertThat(eventBus.get("type").asString()).isEqualTo("redis");
        assertThat(eventBus.get("queueDepth").isNumber()).isTrue();
        assertThat(eventBus.get("responseTime").isNumber()).isTrue();
        assertThat(api.get("/metrics").body()).contains("event_queue_depth", "event_processing_delay_seconds_count", "event_dead_letter_total");
    }
}
