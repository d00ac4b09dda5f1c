package dev.baton.mcp.check;

import dev.baton.mcp.McpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * One MCP handshake: the JSON-RPC {@code initialize} request, answered with a {@code result} within the
 * timeout. A stdio server is started from its argv (ProcessBuilder, never a shell), sent the request as one
 * line and stopped with its whole process tree afterwards; an http server gets the request as a POST
 * (streamable HTTP transport) and may answer with JSON or with an SSE stream carrying the response.
 */
public final class McpHandshake {
    /** The MCP revision Baton speaks; servers answer with the one they support, any answer will do here. */
    static final String PROTOCOL_VERSION = "2025-06-18";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration STOP_GRACE = Duration.ofSeconds(2);

    private final String clientVersion;
    /** Made at the first http server: a client starts a selector thread and loads TLS, which a server without one does not need. */
    private volatile HttpClient http;

    public McpHandshake(String clientVersion) {
        this.clientVersion = clientVersion;
    }

    private HttpClient http() {
        HttpClient c = http;
        if (c == null) {
            synchronized (this) {
                c = http;
                if (c == null) http = c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            }
        }
        return c;
    }

    /** The outcome of one attempt. */
    public record Attempt(boolean reachable, boolean timedOut, long millis, String error) {
        static Attempt ok(long millis) {
            return new Attempt(true, false, millis, null);
        }

        static Attempt failed(long millis, String error) {
            return new Attempt(false, false, millis, error);
        }

        static Attempt timedOut(long millis, Duration timeout) {
            return new Attempt(false, true, millis, "no answer to initialize within " + timeout.toMillis() + " ms");
        }
    }

    /** The initialize request, one line of JSON. */
    String initializeRequest() {
        ObjectNode r = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", 1).put("method", "initialize");
        ObjectNode params = r.putObject("params").put("protocolVersion", PROTOCOL_VERSION);
        params.putObject("capabilities");
        params.putObject("clientInfo").put("name", "baton").put("version", clientVersion);
        return JSON.writeValueAsString(r);
    }

    /** Never throws for a failing server: every failure is an {@link Attempt} with the reason. */
    public Attempt check(McpServer server, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        return switch (server) {
            case McpServer.Stdio s -> stdio(s, timeout, start);
            case McpServer.Http h -> http(h, timeout, start);
        };
    }

    private Attempt stdio(McpServer.Stdio s, Duration timeout, long start) throws InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(s.command()).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(s.env());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return Attempt.failed(millis(start), "cannot start " + s.command().getFirst() + ": " + e.getMessage());
        }
        try {
            CompletableFuture<Attempt> answer = onVirtualThread(() -> readStdio(p, start));
            // stdin stays open until the end: many servers exit when it closes.
            try {
                OutputStream in = p.getOutputStream();
                in.write((initializeRequest() + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
            } catch (IOException e) {
                // the server exited or closed stdin at once: the reader says why
            }
            return within(answer, timeout, start);
        } finally {
            stopTree(p);
            closeQuietly(p.getOutputStream());
            closeQuietly(p.getInputStream());
        }
    }

    /** Reads stdout lines until the response to id 1; servers may print other JSON-RPC messages (or noise) first. */
    private Attempt readStdio(Process p, long start) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                Attempt a = response(line, start);
                if (a != null) return a;
            }
        } catch (IOException e) {
            return Attempt.failed(millis(start), "reading its output failed: " + e.getMessage());
        }
        String code;
        try {
            code = p.waitFor(1, TimeUnit.SECONDS) ? "exited with code " + p.exitValue() : "closed its output";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = "closed its output";
        }
        return Attempt.failed(millis(start), code + " without answering initialize");
    }

    private Attempt http(McpServer.Http h, Duration timeout, long start) throws InterruptedException {
        AtomicReference<InputStream> body = new AtomicReference<>();
        CompletableFuture<Attempt> answer = onVirtualThread(() -> post(h, timeout, start, body));
        try {
            return within(answer, timeout, start);
        } finally {
            // An SSE stream may stay open after the response: closing it ends the reader and the connection.
            closeQuietly(body.get());
            answer.cancel(true);
        }
    }

    private static CompletableFuture<Attempt> onVirtualThread(Supplier<Attempt> attempt) {
        return CompletableFuture.supplyAsync(attempt, runnable -> Thread.ofVirtual().start(runnable));
    }

    /** The attempt's answer, or a timed-out / failed one: the caller then stops what it started. */
    private static Attempt within(CompletableFuture<Attempt> answer, Duration timeout, long start) throws InterruptedException {
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Attempt.timedOut(millis(start), timeout);
        } catch (ExecutionException e) {
            return Attempt.failed(millis(start), String.valueOf(e.getCause()));
        }
    }

    private Attempt post(McpServer.Http h, Duration timeout, long start, AtomicReference<InputStream> body) {
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(URI.create(h.url())).timeout(timeout);
        } catch (IllegalArgumentException e) {
            return Attempt.failed(millis(start), "bad url: " + e.getMessage());
        }
        b.header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream");
        h.headers().forEach(b::header);
        HttpResponse<InputStream> r;
        try {
            r = http().send(b.POST(HttpRequest.BodyPublishers.ofString(initializeRequest())).build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            return Attempt.failed(millis(start), "cannot reach the server: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Attempt.failed(millis(start), "interrupted");
        }
        body.set(r.body());
        try (InputStream in = r.body()) {
            if (r.statusCode() / 100 != 2) return Attempt.failed(millis(start), "HTTP " + r.statusCode());
            String type = r.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
            Attempt a = type.startsWith("text/event-stream") ? sse(in, start) : response(new String(in.readAllBytes(), StandardCharsets.UTF_8), start);
            r.headers().firstValue("Mcp-Session-Id").ifPresent(id -> endSession(h, id));
            return a != null ? a : Attempt.failed(millis(start), "the answer holds no response to initialize");
        } catch (IOException e) {
            return Attempt.failed(millis(start), "reading the answer failed: " + e.getMessage());
        }
    }

    /** SSE: events are {@code data:} lines up to a blank line; the response is the event whose data is it. */
    private Attempt sse(InputStream in, long start) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        StringBuilder data = new StringBuilder();
        for (String line; (line = reader.readLine()) != null; ) {
            if (line.isEmpty()) {
                Attempt a = data.isEmpty() ? null : response(data.toString(), start);
                if (a != null) return a;
                data.setLength(0);
            } else if (line.startsWith("data:")) {
                if (!data.isEmpty()) data.append('\n');
                data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
            }
        }
        return data.isEmpty() ? null : response(data.toString(), start);
    }

    /** The session the server may have opened for the handshake is closed again (best effort, spec: DELETE). */
    private void endSession(McpServer.Http h, String sessionId) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.url())).timeout(Duration.ofSeconds(2)).header("Mcp-Session-Id", sessionId).DELETE();
            h.headers().forEach(b::header);
            http().sendAsync(b.build(), HttpResponse.BodyHandlers.discarding());
        } catch (RuntimeException e) {
            // not our business if the server keeps it
        }
    }

    /** The attempt's outcome if {@code text} is the JSON-RPC response to id 1, else null. */
    private static Attempt response(String text, long start) {
        String t = text.strip();
        if (!t.startsWith("{")) return null;
        JsonNode n;
        try {
            n = JSON.readTree(t);
        } catch (RuntimeException e) {
            return null;
        }
        JsonNode id = n.get("id");
        if (id == null || !"1".equals(id.asString())) return null;
        if (n.hasNonNull("result")) return Attempt.ok(millis(start));
        JsonNode error = n.get("error");
        return Attempt.failed(millis(start), "initialize answered with an error: "
                + (error != null && error.has("message") ? error.get("message").asString() : String.valueOf(error)));
    }

    /**
     * SIGTERM to the server and everything it started (npx starts node, which starts the server …), SIGKILL to what
     * is left after a grace period. Not the agents' ProcessTree: the MCP feature stays free of the agent runtime
     * (which reads the MCP servers file), and a handshake process needs no orphan bookkeeping.
     */
    private static void stopTree(Process p) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(p.toHandle());
        p.descendants().forEach(tree::add);
        tree.forEach(ProcessHandle::destroy);
        try {
            p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static long millis(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static void closeQuietly(java.io.Closeable in) {
        if (in == null) return;
        try {
            in.close();
        } catch (IOException e) {
            // closing only to end a read
        }
    }
}
