package dev.baton.ops.health;

import dev.baton.server.BatonApplication;
import dev.baton.api.rest.BatonServer;
import dev.baton.api.rest.BatonServer.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /health} (liveness), {@code /ready} (every dependency checked) and {@code /metrics} (Prometheus text) on a real server. */
@SpringBootTest(classes = BatonApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "baton.version=9.8.7-test")
@DirtiesContext
class HealthEndpointsTest {
    /** Seed 001's name for the meter {@code workflow.created} in the Prometheus text. */
    private static final String CREATED_TOTAL = "workflow_created_total";

    @TempDir
    static Path dataDir;

    @LocalServerPort
    int port;

    BatonServer api;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        BatonServer.register(registry, () -> dataDir);
    }

    @BeforeAll
    static void repositories() throws Exception {
        BatonServer.gitRepository(dataDir, "app");
    }

    @BeforeEach
    void client() {
        api = new BatonServer(port);
    }

    @Test
    void healthHasStatusTimestampUptimeAndVersion() {
        Response r = api.get("/health");

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode h = r.json();
        assertThat(h.get("status").asString()).isEqualTo("UP");
        assertThat(Instant.parse(h.get("timestamp").asString())).isNotNull();
        assertThat(h.get("uptime").isNumber()).as(h.toString()).isTrue();
        assertThat(h.get("uptime").asLong()).isNotNegative();
        assertThat(h.get("version").asString()).isEqualTo("9.8.7-test");
    }

    @Test
    void readyChecksEveryDependency() {
        Response r = api.get("/ready");

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode ready = r.json();
        assertThat(ready.get("status").asString()).isEqualTo("UP");
        assertThat(Instant.parse(ready.get("timestamp").asString())).isNotNull();
        JsonNode checks = ready.get("checks");
        List<String> names = new ArrayList<>();
        checks.propertyNames().forEach(names::add);
        assertThat(names).containsExactlyInAnyOrder("database", "gitClient", "mcpServers", "eventBus", "fileSystem", "pingBus", "specWatcher", "grpc", "workers", "logStore");
        for (String name : names) {
            JsonNode check = checks.get(name);
            assertThat(check.get("status").asString()).as(name + ": " + check).isEqualTo("UP");
            assertThat(check.get("responseTime").isNumber()).as(name + ": " + check).isTrue();
        }
        assertThat(checks.get("gitClient").get("detail").asString()).contains("git version");
        assertThat(checks.get("eventBus").get("type").asString()).isEqualTo("in-memory");
        assertThat(checks.get("eventBus").get("queueDepth").isNumber()).isTrue();
        assertThat(checks.get("mcpServers").has("activeConnections")).isTrue();
        assertThat(checks.get("workers").get("connected").isNumber()).isTrue();
        for (String root : List.of("worktreeRoot", "workflowRoot")) {
            JsonNode fs = checks.get("fileSystem").get(root);
            assertThat(fs.get("available").asBoolean()).as(root).isTrue();
            assertThat(fs.get("freeSpaceGB").isNumber()).as(root).isTrue();
        }
    }

    @Test
    void metricsAreInPrometheusTextAndCountCreatedWorkflows() {
        double before = workflowsCreated(api.get("/metrics"));

        Response created = api.postYaml(BatonServer.oneTask("wf-metrics", "echo hi"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);

        Response metrics = api.get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.contentType()).startsWith("text/plain");
        assertThat(metrics.body()).contains("# TYPE " + CREATED_TOTAL + " counter", CREATED_TOTAL + " ");
        assertThat(workflowsCreated(metrics)).isEqualTo(before + 1);

        // A refused create does not count.
        assertThat(api.postYaml(BatonServer.oneTask("wf-metrics", "echo again")).status()).isEqualTo(409);
        assertThat(workflowsCreated(api.get("/metrics"))).isEqualTo(before + 1);
    }

    @Test
    void unknownTopLevelPathIsAProblem404() {
        Response r = api.get("/healthz");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("code").asString()).isEqualTo("request.not-found");
    }

    private static double workflowsCreated(Response metrics) {
        assertThat(metrics.status()).as(metrics.toString()).isEqualTo(200);
        Matcher m = Pattern.compile("(?m)^" + CREATED_TOTAL + "(?:\\{[^}]*})? ([0-9.eE+-]+)$").matcher(metrics.body());
        if (!m.find()) return 0;
        return Double.parseDouble(m.group(1));
    }
}
