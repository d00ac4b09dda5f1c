package dev.baton.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code baton logs} against a real local HTTP server that speaks the logs API: JSON pages and an SSE stream. */
class LogsCommandTest {
    private HttpServer server;
    private final List<String> lines = new CopyOnWriteArrayList<>(); // JSON of the stored lines, offset = index + 1
    private volatile String status = "RUNNING";
    private final List<Map<String, String>> pageQueries = new CopyOnWriteArrayList<>();
    private final List<Map<String, String>> streamRequests = new CopyOnWriteArrayList<>();
    private final CountDownLatch streamSent = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/api/v1/workflows/", this::handle);
        server.start();
        for (int i = 1; i <= 3; i++) store(i, "task-1", "STDOUT", "INFO", "line " + i);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void store(int offset, String task, String source, String level, String message) {
        lines.add("""
                {"offset":%d,"timestamp":"2026-12-01T10:00:0%d.123Z","workerId":"w1","taskId":"%s","workflowId":"wf-1","level":"%s",\
                "source":"%s","message":"%s","metadata":{},"partial":false,"gap":null}""".formatted(offset, offset, task, level, source, message));
    }

    private void handle(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        Map<String, String> query = query(x.getRequestURI().getRawQuery());
        if (path.equals("/api/v1/workflows/wf-1")) {
            respond(x, 200, "application/json", "{\"id\":\"wf-1\",\"name\":\"n\",\"status\":\"" + status + "\"}");
        } else if (path.equals("/api/v1/workflows/wf-1/logs") && "text/event-stream".equals(x.getRequestHeaders().getFirst("Accept"))) {
            Map<String, String> r = new HashMap<>(query);
            r.put("Last-Event-ID", x.getRequestHeaders().getFirst("Last-Event-ID"));
            streamRequests.add(r);
            x.getResponseHeaders().set("Content-Type", "text/event-stream");
            x.sendResponseHeaders(200, 0);
            try (OutputStream out = x.getResponseBody()) {
                long after = Long.parseLong(r.get("Last-Event-ID"));
                out.write(": following\n\n".getBytes(StandardCharsets.UTF_8));
                for (int i = (int) after; i < lines.size(); i++) {
                    out.write(("id:" + (i + 1) + "\nevent:line\ndata:" + lines.get(i) + "\n\n").getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
                streamSent.countDown();
                while (!"COMPLETED".equals(status)) { // a live stream stays open; the client closes it
                    out.write(":heartbeat\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(20);
                }
                Thread.sleep(5000);
            } catch (IOException | InterruptedException closedByClient) {
                // expected: the CLI ends the stream
            }
        } else if (path.equals("/api/v1/workflows/wf-1/logs")) {
            pageQueries.add(query);
            long after = Long.parseLong(query.getOrDefault("after", "0"));
            List<String> page = new ArrayList<>();
            for (int i = (int) after; i < lines.size() && page.size() < 2; i++) page.add(lines.get(i)); // small pages: the CLI must page
            long next = after + page.size();
            respond(x, 200, "application/json", "{\"lines\":[" + String.join(",", page) + "],\"nextAfter\":" + next + "}");
        } else {
            respond(x, 404, "application/problem+json", "{\"status\":404,\"detail\":\"workflow 'x' not found\",\"code\":\"workflow.not-found\"}");
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null) return q;
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            q.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    private static void respond(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }

    private CliRunner cli() {
        return new CliRunner().env("BATON_SERVER", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Test
    void printsEveryStoredLinePageByPageWithFilters() {
        store(4, "", "STDERR", "ERROR", "boom");
        CliRunner.Result r = cli().run("logs", "wf-1", "--level", "INFO", "--source", "stderr", "--task", "task-1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("""
                2026-12-01T10:00:01.123Z task-1 stdout INFO line 1
                2026-12-01T10:00:02.123Z task-1 stdout INFO line 2
                2026-12-01T10:00:03.123Z task-1 stdout INFO line 3
                2026-12-01T10:00:04.123Z - stderr ERROR boom
                """);
        assertThat(pageQueries.getFirst()).containsEntry("level", "INFO").containsEntry("source", "stderr").containsEntry("task", "task-1")
                .doesNotContainKey("after");
        assertThat(pageQueries).extracting(q -> q.get("after")).contains("2", "4");
    }

    @Test
    void followsTheLiveStreamUntilTheWorkflowStopsThenPrintsWhatIsLeft() throws Exception {
        CompletableFuture<CliRunner.Result> run = CompletableFuture.supplyAsync(() -> cli().run("logs", "wf-1", "-f", "-o", "json", "--level", "WARN"));
        assertThat(streamSent.await(20, TimeUnit.SECONDS)).isTrue();
        store(4, "task-2", "STDOUT", "INFO", "after the stream");
        status = "COMPLETED";
        CliRunner.Result r = run.get(30, TimeUnit.SECONDS);

        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> out = r.out().lines().toList();
        assertThat(out).hasSize(4);
        for (int i = 0; i < 4; i++) assertThat(out.get(i)).startsWith("{").contains("\"offset\":" + (i + 1));
        assertThat(streamRequests.getFirst()).containsEntry("Last-Event-ID", "0").containsEntry("level", "WARN");
        // the rest after the stream ended was read as pages (from wherever the stream had got to: no line twice)
        await().atMost(Duration.ofSeconds(5)).until(() -> !pageQueries.isEmpty());
        assertThat(pageQueries.getLast()).containsEntry("level", "WARN");
    }

    @Test
    void anUnknownWorkflowIsNotFound() {
        CliRunner.Result r = cli().run("logs", "wf-unknown");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(r.err()).contains("not found");
    }

    @Test
    void gapRecordsShowWhatWasLost() {
        java.time.Instant t = java.time.Instant.parse("2026-12-01T10:00:00.123Z");
        var dropped = new dev.baton.cli.client.LogLineView(4, t, "w1", "", "wf-1", "WARN", "WORKER", "", Map.of(), false,
                new dev.baton.cli.client.LogLineView.Gap(7, 700));
        assertThat(LogsCommand.format(dropped)).endsWith("WARN [7 lines (700 bytes) dropped by worker w1]");
        String lost = "60 lines (sequences 101..160 of stream s) of worker w1 never arrived: the worker lost them before sending (it was killed or crashed)";
        var hole = new dev.baton.cli.client.LogLineView(5, t, "w1", "", "wf-1", "WARN", "WORKER", lost, Map.of(), false,
                new dev.baton.cli.client.LogLineView.Gap(60, 0));
        assertThat(LogsCommand.format(hole)).endsWith("WARN [" + lost + "]");
    }
}
