package dev.baton.cli.client;

import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Calls Baton's REST API ({@code /api/v1}) with the JDK's HTTP client. Every failure becomes one of three
 * exceptions the CLI maps to exit codes: {@link BatonApiException} (the server said no),
 * {@link ServerUnreachableException} (nobody answered) and {@link BadResponseException} (unreadable answer).
 */
public final class BatonClient implements AutoCloseable {

    private static final String API = "/api/v1";

    /** Lenient on purpose: a newer server may add fields, and the CLI must keep working against it. */
    static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private final URI server;
    private final String token;
    private final Duration timeout;
    private final String userAgent;
    private final HttpClient http;

    public BatonClient(URI server, String token, Duration timeout, String userAgent) {
        this.server = server;
        this.token = token == null || token.isBlank() ? null : token.strip();
        this.timeout = timeout;
        this.userAgent = userAgent;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    public URI server() {
        return server;
    }

    /** Releases the HTTP client's selector thread; in-flight requests are allowed to finish first. */
    @Override
    public void close() {
        http.close();
    }

    /**
     * {@code POST /workflows}: the spec travels as-is so the server reports problems with the file's own
     * line numbers. The file's path as given goes along in {@code X-Spec-File}, so the server's problems name
     * it; problems that name no file are reported against {@code specFile}.
     */
    public Reply<WorkflowView> createWorkflow(byte[] spec, String contentType, boolean start, Path specFile) {
        HttpRequest request = request("/workflows" + (start ? "?start=true" : ""))
                .header("Content-Type", contentType)
                .header("X-Spec-File", asciiOnly(specFile.toString()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(spec))
                .build();
        try {
            return decode(send(request), WorkflowView.class);
        } catch (BatonApiException e) {
            throw e.withFallbackFile(specFile.toString());
        }
    }

    public Reply<WorkflowPage> listWorkflows(WorkflowQuery query) {
        Map<String, String> params = new LinkedHashMap<>();
        if (!query.statuses().isEmpty()) params.put("status", String.join(",", query.statuses()));
        if (query.name() != null && !query.name().isBlank()) params.put("name", query.name());
        params.put("limit", Integer.toString(query.limit()));
        params.put("offset", Integer.toString(query.offset()));
        return decode(send(request("/workflows" + queryString(params)).GET().build()), WorkflowPage.class);
    }

    public Reply<WorkflowView> workflow(String id) {
        return decode(send(request(workflowPath(id)).GET().build()), WorkflowView.class);
    }

    /** {@code POST /workflows/{id}/start|pause|resume|cancel}. */
    public Reply<WorkflowView> transition(String id, String action) {
        String path = workflowPath(id) + "/" + action;
        return decode(send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build()), WorkflowView.class);
    }

    public void delete(String id) {
        send(request(workflowPath(id)).DELETE().build());
    }

    public Reply<WorkflowView> reorder(String id, List<String> workIds) {
        String body = JSON.writeValueAsString(Map.of("workIds", workIds));
        HttpRequest request = request(workflowPath(id) + "/reorder")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return decode(send(request), WorkflowView.class);
    }

    public Reply<List<ReportView>> reports(String id) {
        return decode(send(request(workflowPath(id) + "/reports").GET().build()), new TypeReference<>() {});
    }

    /** The markdown text of one report. */
    public String reportContent(String id, String reportId) {
        HttpRequest request = request(workflowPath(id) + "/reports/" + segment(reportId))
                .header("Accept", "text/markdown, text/plain, */*")
                .GET().build();
        return send(request).body();
    }

    public Reply<List<CheckpointView>> checkpoints(String id) {
        return decode(send(request(workflowPath(id) + "/checkpoints").GET().build()), new TypeReference<>() {});
    }

    /** Events with a sequence greater than {@code after}, oldest first; payloads parsed into objects. */
    public Reply<List<EventView>> events(String id, long after, int limit) {
        String path = workflowPath(id) + "/events?after=" + after + "&limit=" + limit;
        HttpResponse<String> response = send(request(path).GET().build());
        JsonNode array = readTree(response);
        List<EventView> events = new ArrayList<>();
        for (JsonNode node : array) {
            EventView raw = convert(node, EventView.class);
            events.add(new EventView(raw.sequence(), raw.workflowId(), raw.type(), raw.correlationId(),
                    raw.occurredAt(), parsePayload(raw.payload())));
        }
        return new Reply<>(List.copyOf(events), array);
    }

    /** {@code GET /workflows/{id}/logs}: a page of stored lines after offset {@code after}. */
    public Reply<LogPageView> logs(String id, LogsQuery query, long after, int limit) {
        String path = workflowPath(id) + "/logs" + queryString(query.params(after, limit));
        return decode(send(request(path).GET().build()), LogPageView.class);
    }

    /**
     * Opens the live log stream (SSE) of a workflow after offset {@code after} (sent as {@code Last-Event-ID}):
     * stored lines first, then new ones as they arrive. No request timeout: it lasts until closed.
     */
    public LogEvents followLogs(String id, LogsQuery query, long after) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(server + API + workflowPath(id) + "/logs" + queryString(query.params(0, null))))
                .header("Accept", "text/event-stream")
                .header("User-Agent", userAgent)
                .header("Last-Event-ID", Long.toString(after));
        if (token != null) builder.header("Authorization", "Bearer " + token);
        HttpResponse<java.util.stream.Stream<String>> response = exchange(builder.GET().build(), HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() >= 400) {
            String body = response.body().collect(Collectors.joining("\n"));
            throw new BatonApiException(response.statusCode(), problem(response.statusCode(), body), null);
        }
        return new LogEvents(server, response.body());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(server + API + path))
                .timeout(timeout)
                .header("Accept", "application/json, application/problem+json")
                .header("User-Agent", userAgent);
        if (token != null) builder.header("Authorization", "Bearer " + token);
        return builder;
    }

    private HttpResponse<String> send(HttpRequest request) {
        HttpResponse<String> response = exchange(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() >= 400) throw new BatonApiException(response.statusCode(), problem(response), null);
        return response;
    }

    /** One HTTP exchange; every way of not reaching the server becomes a {@link ServerUnreachableException}. */
    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request, body);
        } catch (HttpConnectTimeoutException e) {
            throw new ServerUnreachableException(server, "connection timed out", e);
        } catch (HttpTimeoutException e) {
            throw new ServerUnreachableException(server, "no answer within " + timeout.toSeconds() + "s", e);
        } catch (ConnectException e) {
            throw new ServerUnreachableException(server, "connection refused", e);
        } catch (IOException e) {
            throw new ServerUnreachableException(server, Optional.ofNullable(e.getMessage()).orElse(e.toString()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerUnreachableException(server, "interrupted", e);
        }
    }

    /** The server's problem+json, or a stand-in built from a non-JSON error page (a proxy's, say). */
    private static Problem problem(HttpResponse<String> response) {
        return problem(response.statusCode(), response.body());
    }

    private static Problem problem(int status, String text) {
        String body = text == null ? "" : text.strip();
        if (body.startsWith("{")) {
            try {
                Problem p = JSON.readValue(body, Problem.class);
                return p.status() == null ? new Problem(p.type(), p.title(), status, p.detail(), p.code(), p.problems()) : p;
            } catch (JacksonException ignored) {
                // fall through: show the raw text instead
            }
        }
        String detail = body.isEmpty() ? null : body.lines().limit(3).collect(Collectors.joining(" "));
        return new Problem(null, null, status, detail, null, List.of());
    }

    private <T> Reply<T> decode(HttpResponse<String> response, Class<T> type) {
        JsonNode json = readTree(response);
        return new Reply<>(convert(json, type), json);
    }

    private <T> Reply<T> decode(HttpResponse<String> response, TypeReference<T> type) {
        JsonNode json = readTree(response);
        try {
            return new Reply<>(JSON.convertValue(json, type), json);
        } catch (IllegalArgumentException | JacksonException e) {
            throw unreadable(response.request(), e);
        }
    }

    private static <T> T convert(JsonNode json, Class<T> type) {
        try {
            return JSON.convertValue(json, type);
        } catch (IllegalArgumentException | JacksonException e) {
            throw new BadResponseException("unexpected " + type.getSimpleName() + " JSON from the server: " + e.getMessage(), e);
        }
    }

    private static JsonNode readTree(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (JacksonException e) {
            throw unreadable(response.request(), e);
        }
    }

    private static BadResponseException unreadable(HttpRequest request, Exception e) {
        return new BadResponseException("unreadable answer to " + request.method() + " " + request.uri().getPath()
                + " (is --server pointing at a Baton server of the same version?): " + e.getMessage(), e);
    }

    /** The server stores payloads as JSON text; older or newer servers may inline the object instead. */
    private static JsonNode parsePayload(JsonNode payload) {
        if (payload == null || !payload.isString()) return payload;
        try {
            return JSON.readTree(payload.stringValue());
        } catch (JacksonException e) {
            return payload;
        }
    }

    private static String workflowPath(String id) {
        return "/workflows/" + segment(id);
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String queryString(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("&", "?", ""));
    }

    /** HTTP header values must be ASCII; a path with other characters is sent percent-encoded. */
    private static String asciiOnly(String value) {
        return value.chars().allMatch(c -> c >= 0x20 && c < 0x7f) ? value : URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
