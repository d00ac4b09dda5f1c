package dev.baton.ops.alerts;

import dev.baton.api.rest.BatonServer;
import dev.baton.api.rest.BatonServer.Response;
import dev.baton.coordination.CoordinationMetrics;
import dev.baton.ping.PingType;
import dev.baton.server.BatonApplication;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard and the alert rules only use metrics a real Baton server exposes on /metrics, or ones
 * alerts.yml lists as not exposed yet; and that list names nothing the server already exposes. The
 * server runs one workflow first (scripted agent, real git) so the meters registered on first use
 * (git commands, timers) are there; the ping counters a lone server without NATS never touches
 * (received, rejected) are counted once through the server's own listener.
 */
@SpringBootTest(classes = BatonApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class ExposedMetricsTest {
    @TempDir
    static Path dataDir;

    @LocalServerPort
    int port;

    @Autowired
    CoordinationMetrics pingMetrics;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        BatonServer.register(registry, () -> dataDir);
    }

    @BeforeAll
    static void repositories() throws Exception {
        BatonServer.gitRepository(dataDir, "app");
    }

    @Test
    void dashboardIsAGrafanaDashboardWithPromQLTargets() {
        JsonNode d = DeployFiles.dashboard();
        assertThat(d.get("title").asString()).isNotBlank();
        assertThat(d.get("uid").asString()).isNotBlank();
        assertThat(d.get("panels").size()).isGreaterThanOrEqualTo(8);
        for (JsonNode panel : d.get("panels")) {
            assertThat(panel.get("gridPos")).as(panel.get("title").asString()).isNotNull();
            assertThat(panel.get("targets").size()).as(panel.get("title").asString()).isPositive();
            panel.get("targets").forEach(t -> assertThat(t.get("expr").asString()).as(panel.get("title").asString()).isNotBlank());
        }
    }

    @Test
    void everyMetricOfTheDashboardAndTheAlertsIsExposedOrListedAsNotYet() {
        BatonServer api = new BatonServer(port);
        runOneWorkflow(api);
        pingMetrics.received(PingType.SPEC_CHANGED);
        pingMetrics.rejected("handler failed");
        Set<String> exposed = scrape(api);
        Set<String> notYet = DeployFiles.notYetExposed();
        assertThat(notYet).as("the not-yet-exposed list of alerts.yml").isNotEmpty();

        Map<String, Set<String>> used = new TreeMap<>();
        DeployFiles.dashboardExpressions().forEach((where, expr) -> DeployFiles.metricNames(expr)
                .forEach(m -> used.computeIfAbsent(m, k -> new TreeSet<>()).add("dashboard: " + where)));
        DeployFiles.alertExpressions().forEach((alert, expr) -> DeployFiles.metricNames(expr)
                .forEach(m -> used.computeIfAbsent(m, k -> new TreeSet<>()).add("alert " + alert)));
        assertThat(used).containsKeys("workflow_failed_total", "git_command_duration_seconds_bucket", "disk_free_bytes", "worker_queue_length");

        Map<String, Set<String>> unknown = new TreeMap<>(used);
        unknown.keySet().removeAll(exposed);
        unknown.keySet().removeAll(notYet);
        assertThat(unknown).as("metrics used in deploy/ that Baton does not expose and alerts.yml does not list as not yet exposed%n"
                + "(exposed: %s)", exposed).isEmpty();

        Set<String> listedButExposed = new TreeSet<>(notYet);
        listedButExposed.retainAll(exposed);
        assertThat(listedButExposed).as("Baton exposes these now: remove them from the not-yet-exposed list of alerts.yml").isEmpty();

        Set<String> listedButUnused = new TreeSet<>(notYet);
        listedButUnused.removeAll(used.keySet());
        assertThat(listedButUnused).as("listed as not yet exposed but used nowhere in deploy/").isEmpty();
    }

    private static void runOneWorkflow(BatonServer api) {
        Response created = api.postYaml(BatonServer.oneTask("wf-metrics", "write app/one.txt first line"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        Response started = api.post("/api/v1/workflows/wf-metrics/start");
        assertThat(started.status()).as(started.toString()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> Set.of("COMPLETED", "FAILED").contains(api.status("wf-metrics")));
        assertThat(api.status("wf-metrics")).isEqualTo("COMPLETED");
    }

    /** The sample names on /metrics (…_total, …_bucket, …_count as Prometheus stores them). */
    private static Set<String> scrape(BatonServer api) {
        Response r = api.get("/metrics");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        Set<String> names = new TreeSet<>();
        r.body().lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .forEach(l -> names.add(l.split("[{ ]", 2)[0]));
        return names;
    }
}
