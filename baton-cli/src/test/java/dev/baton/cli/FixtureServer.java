package dev.baton.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real HTTP server on a free port that plays the Baton API from fixture files under
 * {@code src/test/resources/fixtures/} and records every request it gets, so tests exercise the CLI's actual
 * HTTP code (headers, encoding, status handling) rather than a mock of it.
 */
public final class FixtureServer implements AutoCloseable {

    /** One request as the server saw it. */
    public record Request(String method, String path, Map<String, String> query, Map<String, List<String>> headers,
                          String body) {

        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst())
                    .findFirst().orElse(null);
        }
    }

    private record Answer(int status, String fixture) {
    }

    private final HttpServer server;
    private final Map<String, Deque<Answer>> routes = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private FixtureServer(HttpServer server) {
        this.server = server;
    }

    public static FixtureServer start() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            FixtureServer fixtures = new FixtureServer(http);
            http.createContext("/", fixtures::handle);
            http.start();
            return fixtures;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Answers {@code METHOD path} (path without query) with {@code status} and the fixture file's content (null:
     * no body). Calling it again for the same route queues further answers; the last one repeats forever.
     */
    public FixtureServer answer(String method, String path, int status, String fixture) {
        routes.computeIfAbsent(method + " " + path, k -> new ArrayDeque<>()).addLast(new Answer(status, fixture));
        return this;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> requests(String method, String path) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
    }

    /** The one request made to a route; fails the test when there were none or several. */
    public Request single(String method, String path) {
        List<Request> matching = requests(method, path);
        assertThat(matching).as("requests to %s %s among %s", method, path, requests).hasSize(1);
        return matching.getFirst();
    }

    public static String fixture(String name) {
        try (InputStream in = FixtureServer.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) throw new IllegalArgumentException("no fixture " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            requests.add(new Request(exchange.getRequestMethod(), path, query(exchange.getRequestURI().getRawQuery()),
                    Map.copyOf(exchange.getRequestHeaders()), body));
            Deque<Answer> answers = routes.get(exchange.getRequestMethod() + " " + path);
            if (answers == null) {
                byte[] text = ("no fixture for " + exchange.getRequestMethod() + " " + path).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain");
                exchange.sendResponseHeaders(599, text.length);
                exchange.getResponseBody().write(text);
                return;
            }
            Answer answer;
            synchronized (answers) {
                answer = answers.size() > 1 ? answers.pollFirst() : answers.peekFirst();
            }
            if (answer.fixture() == null) {
                exchange.sendResponseHeaders(answer.status(), -1);
                return;
            }
            byte[] content = fixture(answer.fixture()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType(answer));
            exchange.sendResponseHeaders(answer.status(), content.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(content);
            }
        }
    }

    private static String contentType(Answer answer) {
        if (answer.fixture().endsWith(".json")) return answer.status() >= 400 ? "application/problem+json" : "application/json";
        if (answer.fixture().endsWith(".md")) return "text/markdown";
        return "text/plain";
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null) return params;
        Arrays.stream(raw.split("&")).map(p -> p.split("=", 2)).forEach(kv -> params.put(
                URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : ""));
        return params;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
