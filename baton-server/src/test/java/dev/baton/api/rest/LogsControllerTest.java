package dev.baton.api.rest;

import dev.baton.api.rest.BatonServer.Response;
import dev.baton.logs.store.AppendBatch;
import dev.baton.logs.store.LogLevel;
import dev.baton.logs.store.LogSource;
import dev.baton.logs.store.LogStore;
import dev.baton.logs.store.NewLine;
import dev.baton.server.BatonApplication;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The logs endpoint over real HTTP against a running server: pages, filters, errors, SSE with resume and heartbeat. */
@SpringBootTest(classes = BatonApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class LogsControllerTest {
    private static final String TOKEN = "api-token-for-the-logs-test";
    private static final long T0 = 1_796_000_000_000_000_000L;

    @TempDir
    static Path dataDir;

    @LocalServerPort
    int port;

    @Autowired
    LogStore store;

    BatonServer api;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        BatonServer.register(registry, () -> dataDir);
        registry.add("baton.api-token", () -> TOKEN);
        registry.add("logs.heartbeat-ms", () -> "200");
    }

    @BeforeAll
    static void repositories() throws Exception {
        BatonServer.gitRepository(dataDir, "app");
    }

    @BeforeEach
    void client() {
        api = new BatonServer(port, TOKEN);
    }

    private void workflowWithLines(String id, long from, long to) throws Exception {
        if (api.get("/api/v1/workflows/" + id).status() == 404) {
            assertThat(api.postYaml(BatonServer.oneTask(id, "echo hi")).status()).isEqualTo(201);
        }
        append(id, from, to);
    }

    private void append(String id, long from, long to) throws Exception {
        List<NewLine> lines = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            lines.add(new NewLine(s, T0 + s * 1_000_000_000L, "t1", id, s % 5 == 0 ? LogLevel.ERROR : LogLevel.INFO,
                    s % 2 == 0 ? LogSource.STDERR : LogSource.STDOUT, "message " + s, Map.of("pod_name", "p0"), false, 0, 0));
        }
        store.append(new AppendBatch("w1", "spool-" + id, lines)).get();
    }

    @Test
    void pagesOfLinesAsJsonWithNextAfterAndFilters() throws Exception {
        workflowWithLines("wf-logs-page", 1, 30);
        Response first = api.get("/api/v1/workflows/wf-logs-page/logs?limit=10");
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        JsonNode page = first.json();
        assertThat(page.get("lines")).hasSize(10);
        assertThat(page.get("nextAfter").asLong()).isEqualTo(10);
        JsonNode line = page.get("lines").get(0);
        assertThat(line.get("offset").asLong()).isEqualTo(1);
        assertThat(line.get("message").asString()).isEqualTo("message 1");
        assertThat(line.get("workerId").asString()).isEqualTo("w1");
        assertThat(line.get("taskId").asString()).isEqualTo("t1");
        assertThat(line.get("source").asString()).isEqualTo("STDOUT");
        assertThat(line.get("metadata").get("pod_name").asString()).isEqualTo("p0");
        assertThat(line.get("timestamp").asString()).isEqualTo("2026-11-30T00:53:21Z");

        JsonNode errors = api.get("/api/v1/workflows/wf-logs-page/logs?after=10&level=error&source=stderr").json();
        assertThat(errors.get("lines")).extracting(n -> n.get("offset").asLong()).containsExactly(20L, 30L);
        JsonNode window = api.get("/api/v1/workflows/wf-logs-page/logs?from=2026-11-30T00:53:25Z&to=2026-11-30T00:53:28Z&task=t1").json();
        assertThat(window.get("lines")).extracting(n -> n.get("offset").asLong()).containsExactly(5L, 6L, 7L);
    }

    @Test
    void unknownWorkflowsAre404AndBadParametersAre400NamingTheParameter() {
        Response missing = api.get("/api/v1/workflows/wf-nope/logs");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.contentType()).startsWith("application/problem+json");
        Response missingSse = api.get("/api/v1/workflows/wf-nope/logs", "Accept", "text/event-stream");
        assertThat(missingSse.status()).as(missingSse.toString()).isEqualTo(404);

        for (String bad : List.of("level=LOUD", "limit=0", "limit=10001", "from=yesterday", "after=-1", "source=stdin")) {
            Response r = api.get("/api/v1/workflows/wf-nope/logs?" + bad);
            String param = bad.substring(0, bad.indexOf('='));
            assertThat(r.status()).as(bad + " → " + r).isEqualTo(400);
            assertThat(r.json().get("detail").asString()).contains("'" + param + "'");
        }
        assertThat(new BatonServer(port).get("/api/v1/workflows/wf-nope/logs").status()).as("the API token is required").isEqualTo(401);
    }

    /** SSE frames read from a live response on a background thread. */
    record Frame(String id, String event, String data, String comment) {
    }

    private List<Frame> followInBackground(String path, String... headers) throws Exception {
        List<Frame> frames = new CopyOnWriteArrayList<>();
        HttpClient http = HttpClient.newHttpClient();
        var request = api.request(path).header("Accept", "text/event-stream");
        if (headers.length > 0) request.headers(headers);
        HttpResponse<Stream<String>> response = http.send(request.GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        Thread.ofVirtual().start(() -> {
            String id = null;
            String event = null;
            StringBuilder data = new StringBuilder();
            Iterator<String> it = response.body().iterator();
            while (it.hasNext()) {
                String l = it.next();
                if (l.startsWith(":")) frames.add(new Frame(null, null, null, l.substring(1)));
                else if (l.startsWith("id:")) id = l.substring(3).strip();
                else if (l.startsWith("event:")) event = l.substring(6).strip();
                else if (l.startsWith("data:")) data.append(l.substring(5));
                else if (l.isEmpty() && event != null) {
                    frames.add(new Frame(id, event, data.toString(), null));
                    id = null;
                    event = null;
                    data.setLength(0);
                }
            }
        });
        return frames;
    }

    private static List<Long> ids(List<Frame> frames) {
        return frames.stream().filter(f -> "line".equals(f.event())).map(f -> Long.parseLong(f.id())).toList();
    }

    @Test
    void followsHistoryThenLiveLinesWithHeartbeatsAndResumesAfterLastEventId() throws Exception {
        workflowWithLines("wf-logs-live", 1, 5);
        List<Frame> frames = followInBackground("/api/v1/workflows/wf-logs-live/logs");
        await().atMost(Duration.ofSeconds(20)).until(() -> ids(frames).size() == 5);
        append("wf-logs-live", 6, 12);
        await().atMost(Duration.ofSeconds(20)).until(() -> ids(frames).size() == 12);
        assertThat(ids(frames)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
        Frame last = frames.stream().filter(f -> "line".equals(f.event())).toList().getLast();
        JsonNode json = JsonMapper.builder().build().readTree(last.data());
        assertThat(json.get("message").asString()).isEqualTo("message 12");
        await().atMost(Duration.ofSeconds(20)).until(() -> frames.stream().anyMatch(f -> "heartbeat".equals(f.comment())));

        List<Frame> resumed = followInBackground("/api/v1/workflows/wf-logs-live/logs?follow=true&level=ERROR", "Last-Event-ID", "7");
        await().atMost(Duration.ofSeconds(20)).until(() -> ids(resumed).size() == 1);
        append("wf-logs-live", 13, 15);
        await().atMost(Duration.ofSeconds(20)).until(() -> ids(resumed).size() == 2);
        assertThat(ids(resumed)).containsExactly(10L, 15L);
    }
}
