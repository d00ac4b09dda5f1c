package dev.baton.mcp.check;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.baton.api.rest.BatonServer;
import dev.baton.mcp.McpConfigMerge;
import dev.baton.mcp.McpRegistry;
import dev.baton.mcp.McpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MCP connection check against real servers: stdio scripts (one answering, one silent), a command that does
 * not exist, and JDK HTTP servers answering the initialize request with JSON, SSE, an HTTP error or a JSON-RPC error.
 */
class McpConnectionMonitorTest {
    static final Path SCRIPTS = BatonServer.PROJECT_ROOT.resolve("baton-server/src/test/resources/mcp");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** Short, for the server that never answers: the outcome does not depend on how short. */
    private static final Duration SILENT_TIMEOUT = Duration.ofMillis(700);

    @TempDir
    Path tmp;
    HttpServer http;
    final Map<String, JsonNode> requests = new ConcurrentHashMap<>();
    final Map<String, String> headers = new ConcurrentHashMap<>();
    final CountDownLatch release = new CountDownLatch(1);
    final McpHandshake handshake = new McpHandshake("1.2.3");

    @BeforeEach
    void servers() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/json", ex -> answer(ex, "application/json", result(id(ex))));
        http.createContext("/sse", ex -> {
            String id = id(ex);
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write((": comment\n\nevent: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n"
                    + "event: message\ndata: " + result(id) + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            // The stream stays open, as a streamable HTTP server may keep it: the check must not wait for its end.
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        http.createContext("/denied", ex -> {
            id(ex);
            ex.sendResponseHeaders(401, -1);
            ex.close();
        });
        http.createContext("/rpc-error", ex -> answer(ex, "application/json",
                "{\"jsonrpc\":\"2.0\",\"id\":" + id(ex) + ",\"error\":{\"code\":-32602,\"message\":\"unsupported protocol\"}}"));
        http.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        http.stop(0);
    }

    private String id(HttpExchange ex) throws IOException {
        JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
        requests.put(ex.getRequestURI().getPath(), body);
        headers.put(ex.getRequestURI().getPath() + ":accept", String.valueOf(ex.getRequestHeaders().getFirst("Accept")));
        headers.put(ex.getRequestURI().getPath() + ":authorization", String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
        return body.get("id").asString();
    }

    private static String result(String id) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"serverInfo\":{\"name\":\"h\",\"version\":\"1\"}}}";
    }

    private static void answer(HttpExchange ex, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    private static McpServer.Stdio tiny(String name) {
        return new McpServer.Stdio(name, List.of("bash", SCRIPTS.resolve("tiny-mcp-server.sh").toString()), Map.of());
    }

    @Test
    void aStdioServerAnsweringInitializeIsReachableAndIsStoppedAfterwards() throws Exception {
        McpHandshake.Attempt a = handshake.check(new McpServer.Stdio("tiny", List.of("bash", SCRIPTS.resolve("tiny-mcp-server.sh").toString()),
                Map.of("MCP_TINY_REQUIRE", "TINY_TOKEN", "TINY_TOKEN", "set")), TIMEOUT);
        assertThat(a.reachable()).as(String.valueOf(a)).isTrue();

        // Without the variable it requires, the server exits: the reason says so.
        McpHandshake.Attempt b = handshake.check(new McpServer.Stdio("tiny", List.of("bash", SCRIPTS.resolve("tiny-mcp-server.sh").toString()),
                Map.of("MCP_TINY_REQUIRE", "TINY_TOKEN_UNSET")), TIMEOUT);
        assertThat(b.reachable()).isFalse();
        assertThat(b.error()).isEqualTo("exited with code 3 without answering initialize");
    }

    @Test
    void theRequestIsAnInitializeWithBatonsClientInfoAndTheServersHeaders() throws Exception {
        McpHandshake.Attempt a = handshake.check(new McpServer.Http("docs", url("/json"), Map.of("Authorization", "Bearer abc")), TIMEOUT);

        assertThat(a.reachable()).as(String.valueOf(a)).isTrue();
        JsonNode r = requests.get("/json");
        assertThat(r.get("jsonrpc").asString()).isEqualTo("2.0");
        assertThat(r.get("method").asString()).isEqualTo("initialize");
        assertThat(r.get("params").get("protocolVersion").asString()).isEqualTo("2025-06-18");
        assertThat(r.get("params").get("clientInfo").get("name").asString()).isEqualTo("baton");
        assertThat(r.get("params").get("clientInfo").get("version").asString()).isEqualTo("1.2.3");
        assertThat(headers.get("/json:accept")).isEqualTo("application/json, text/event-stream");
        assertThat(headers.get("/json:authorization")).isEqualTo("Bearer abc");
    }

    @Test
    void anSseAnswerCountsWithoutWaitingForTheEndOfTheStream() throws Exception {
        McpHandshake.Attempt a = handshake.check(new McpServer.Http("sse", url("/sse"), Map.of()), TIMEOUT);
        assertThat(a.reachable()).as(String.valueOf(a)).isTrue();
        assertThat(a.timedOut()).isFalse();
    }

    @Test
    void httpAndJsonRpcErrorsAndMissingProgramsAreUnreachableWithTheReason() throws Exception {
        assertThat(handshake.check(new McpServer.Http("d", url("/denied"), Map.of()), TIMEOUT).error()).isEqualTo("HTTP 401");
        assertThat(handshake.check(new McpServer.Http("e", url("/rpc-error"), Map.of()), TIMEOUT).error())
                .isEqualTo("initialize answered with an error: unsupported protocol");
        McpHandshake.Attempt missing = handshake.check(new McpServer.Stdio("x", List.of(tmp.resolve("no-such-mcp-server").toString()), Map.of()), TIMEOUT);
        assertThat(missing.reachable()).isFalse();
        assertThat(missing.timedOut()).isFalse();
        assertThat(missing.error()).startsWith("cannot start " + tmp.resolve("no-such-mcp-server"));
    }

    @Test
    void aRoundCountsReachableServersFailuresPerServerAndRetriesATimeoutOnce() throws Exception {
        Path starts = tmp.resolve("silent-starts.txt");
        McpServer silent = new McpServer.Stdio("silent", List.of("bash", SCRIPTS.resolve("silent-mcp-server.sh").toString(), starts.toString()), Map.of());
        McpServer missing = new McpServer.Stdio("missing", List.of(tmp.resolve("no-such-mcp-server").toString()), Map.of());
        McpServer docs = new McpServer.Http("docs", url("/json"), Map.of("Authorization", "Bearer ${DOCS_TOKEN}"));
        McpRegistry registry = new McpRegistry(List.of(tiny("tiny"), docs, silent, missing), Set.of());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (McpConnectionMonitor monitor = new McpConnectionMonitor(new McpConfigMerge(registry, Map.of("DOCS_TOKEN", "t0k")::get), handshake,
                SILENT_TIMEOUT, Duration.ofHours(1), Clock.systemUTC(), meters)) {
            assertThat(meters.get("mcp.validation.failure").tag("server", "silent").counter().count()).as("registered at 0").isZero();

            McpConnectionMonitor.Round round = monitor.runOnce();

            assertThat(round.servers()).extracting(McpConnectionMonitor.ServerStatus::name, McpConnectionMonitor.ServerStatus::reachable)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("tiny", true), org.assertj.core.groups.Tuple.tuple("docs", true),
                            org.assertj.core.groups.Tuple.tuple("silent", false), org.assertj.core.groups.Tuple.tuple("missing", false));
            assertThat(headers.get("/json:authorization")).as("${DOCS_TOKEN} resolved").isEqualTo("Bearer t0k");
            assertThat(Files.readAllLines(starts)).as("the silent server was started twice: the timeout is retried once").hasSize(2);
            assertThat(meters.get("mcp.connection.active").gauge().value()).isEqualTo(2.0);
            assertThat(meters.get("mcp.validation.failure").tag("server", "silent").counter().count()).isEqualTo(1.0);
            assertThat(meters.get("mcp.validation.failure").tag("server", "missing").counter().count()).isEqualTo(1.0);
            assertThat(meters.get("mcp.validation.failure").tag("server", "tiny").counter().count()).isZero();

            Map<String, Object> ready = monitor.readiness(Duration.ZERO);
            assertThat(ready).containsEntry("status", "DOWN").containsEntry("activeConnections", 2L).containsEntry("detail", "2/4 servers reachable");
            @SuppressWarnings("unchecked") Map<String, Map<String, Object>> each = (Map<String, Map<String, Object>>) ready.get("servers");
            assertThat(each.get("tiny")).containsEntry("reachable", true).containsKey("responseTime");
            assertThat(each.get("silent")).containsEntry("reachable", false).containsEntry("error", "no answer to initialize within 700 ms");
            assertThat((String) each.get("missing").get("error")).startsWith("cannot start");
        }
    }

    @Test
    void allReachableIsUpAndNoServersIsUpWithZeroOfZero() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (McpConnectionMonitor monitor = new McpConnectionMonitor(new McpConfigMerge(new McpRegistry(List.of(tiny("a"), tiny("b")), Set.of()), k -> null),
                handshake, TIMEOUT, Duration.ofHours(1), Clock.systemUTC(), meters)) {
            monitor.start();
            // The first round runs in the background; /ready waits for it.
            Map<String, Object> ready = monitor.readiness(Duration.ofSeconds(60));
            assertThat(ready).containsEntry("status", "UP").containsEntry("activeConnections", 2L).containsEntry("detail", "2/2 servers reachable");
        }
        try (McpConnectionMonitor none = new McpConnectionMonitor(new McpConfigMerge(McpRegistry.empty(), k -> null), handshake, TIMEOUT,
                Duration.ofHours(1), Clock.systemUTC(), new SimpleMeterRegistry())) {
            none.start();
            assertThat(none.readiness(Duration.ZERO)).containsEntry("status", "UP").containsEntry("activeConnections", 0L)
                    .containsEntry("detail", "0/0 servers reachable");
        }
    }

    @Test
    void aServerWhoseVariableIsUnsetIsUnreachableNamingTheVariable() throws Exception {
        McpServer docs = new McpServer.Http("docs", url("/json"), Map.of("Authorization", "Bearer ${DOCS_TOKEN_UNSET}"));
        try (McpConnectionMonitor monitor = new McpConnectionMonitor(new McpConfigMerge(new McpRegistry(List.of(docs), Set.of()), k -> null),
                handshake, TIMEOUT, Duration.ofHours(1), Clock.systemUTC(), new SimpleMeterRegistry())) {
            McpConnectionMonitor.ServerStatus s = monitor.runOnce().servers().getFirst();
            assertThat(s.reachable()).isFalse();
            assertThat(s.error()).contains("${DOCS_TOKEN_UNSET}");
            assertThat(requests).isEmpty();
        }
    }
}
