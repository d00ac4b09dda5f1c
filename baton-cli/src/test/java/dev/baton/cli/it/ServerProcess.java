package dev.baton.cli.it;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code java -jar baton.jar server} process on a data folder and port of its own, its output in a
 * log file, plus the few REST calls the tests make. The process is the JVM itself (no shell in between), so
 * {@link #killHard()} is a real SIGKILL of the server.
 */
final class ServerProcess implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    final Path dataDir;
    final int port;
    final Path log;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Everything this server ever ran that we saw, so that close() can kill what is left. */
    private final List<ProcessHandle> seen = new ArrayList<>();

    private ServerProcess(Path dataDir, int port, Path log, Process process) {
        this.dataDir = dataDir;
        this.port = port;
        this.log = log;
        this.process = process;
        seen.add(process.toHandle());
    }

    /** Starts a server on {@code dataDir} and free ports; {@link #awaitReady()} waits for it. */
    static ServerProcess start(Path dataDir, Path log, Map<String, String> extraSettings) {
        int port = It.freePort();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("BATON_DATA_DIR", dataDir.toString());
        settings.put("PORT", Integer.toString(port));
        // A free gRPC port too, unless the test names one: the default 9090 may be taken by anything on the machine.
        settings.put("GRPC_PORT", Integer.toString(It.freePort()));
        settings.put("AGENT_STOP_TIMEOUT_MS", "5000");
        settings.putAll(extraSettings);
        try {
            Files.createDirectories(dataDir);
            Files.createDirectories(log.getParent());
            ProcessBuilder pb = new ProcessBuilder(It.batonCommand(false, "server")).directory(dataDir.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().clear();
            pb.environment().putAll(It.environment(settings));
            Process process = pb.start();
            process.getOutputStream().close();
            return new ServerProcess(dataDir, port, log, process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://localhost:" + port;
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for {@code GET /ready} to answer 200; fails early, with the log, if the process dies. */
    ServerProcess awaitReady() {
        It.await("server on port " + port + " to be ready (log " + log + ")", It.TIMEOUT, () -> {
            if (!process.isAlive()) throw new IllegalStateException("server exited with " + process.exitValue() + "; log:\n" + logText());
            return status("GET", "/ready");
        }, s -> s == 200);
        return this;
    }

    /** The JVM's living descendants (agents and what they started), remembered for clean-up. */
    List<ProcessHandle> descendants() {
        List<ProcessHandle> now = process.toHandle().descendants().filter(It::isRunning).toList();
        synchronized (seen) {
            for (ProcessHandle p : now) if (!seen.contains(p)) seen.add(p);
        }
        return now;
    }

    /** SIGKILL to the server JVM only (its agents are left running, as after a crash); waits until it is gone. */
    void killHard() {
        descendants(); // remember them: once the JVM is dead they can no longer be found from it
        process.destroyForcibly();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("server " + process.pid() + " survived SIGKILL");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * SIGTERM to the server JVM ({@link Process#destroy()} sends SIGTERM on Linux), as Kubernetes or systemd
     * stop it; returns at once. Its agents are remembered first, for the checks and the clean-up.
     */
    void terminate() {
        descendants();
        process.destroy();
    }

    /** Waits for the server to exit and returns its exit code; fails if it still runs after {@code timeout}. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("server " + process.pid() + " still running " + timeout.toSeconds() + " s later; thread dump: " + threadDump());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /**
     * Writes a thread dump of the server next to its log (for a test that gives up waiting on it) and returns
     * where; never throws.
     */
    Path threadDump() {
        Path file = log.resolveSibling(log.getFileName() + ".threads.txt");
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(process.pid()), "Thread.print", "-l").redirectErrorStream(true).redirectOutput(file.toFile()).start();
            if (!jcmd.waitFor(60, TimeUnit.SECONDS)) jcmd.destroyForcibly();
        } catch (IOException | RuntimeException e) {
            return file;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return file;
    }

    // ---- REST --------------------------------------------------------------------------------------------

    int status(String method, String path) {
        return send(method, path, null).statusCode();
    }

    JsonNode get(String path) {
        HttpResponse<String> r = send("GET", path, null);
        if (r.statusCode() != 200) throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        return JSON.readTree(r.body());
    }

    /** {@code POST /api/v1/workflows?start=true} with a YAML spec; returns the created workflow. */
    JsonNode createAndStart(String yaml) {
        HttpResponse<String> r = send("POST", "/api/v1/workflows?start=true", yaml);
        if (r.statusCode() != 201) throw new AssertionError("POST /api/v1/workflows answered " + r.statusCode() + ": " + r.body());
        return JSON.readTree(r.body());
    }

    /** {@code POST /api/v1/workflows/{id}/<action>} (start, pause, resume, cancel); returns the workflow. */
    JsonNode act(String id, String action) {
        String path = "/api/v1/workflows/" + id + "/" + action;
        HttpResponse<String> r = send("POST", path, null);
        if (r.statusCode() != 200) throw new AssertionError("POST " + path + " answered " + r.statusCode() + ": " + r.body());
        return JSON.readTree(r.body());
    }

    /** The status and body of any request, for checks of refusals; a body, when given, is sent as YAML. */
    HttpResponse<String> call(String method, String path, String yamlBody) {
        return send(method, path, yamlBody);
    }

    JsonNode workflow(String id) {
        return get("/api/v1/workflows/" + id);
    }

    /** The event log of a workflow, each event's {@code payload} (a JSON string on the wire) parsed into an object. */
    List<JsonNode> events(String id) {
        List<JsonNode> events = new ArrayList<>();
        for (JsonNode e : get("/api/v1/workflows/" + id + "/events?after=0&limit=1000")) {
            var copy = ((tools.jackson.databind.node.ObjectNode) e).deepCopy();
            JsonNode payload = e.path("payload");
            if (payload.isString()) copy.set("payload", JSON.readTree(payload.asString()));
            events.add(copy);
        }
        return events;
    }

    private HttpResponse<String> send(String method, String path, String yamlBody) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30));
        if (yamlBody != null) b.header("Content-Type", "application/yaml").method(method, HttpRequest.BodyPublishers.ofString(yamlBody));
        else b.method(method, HttpRequest.BodyPublishers.noBody());
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + url() + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Kills the server and every process of it we saw or can still find; safe to call twice, never throws. */
    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>();
        try {
            if (process.isAlive()) all.addAll(It.tree(process.toHandle()));
        } catch (RuntimeException ignored) {
            // keep cleaning
        }
        synchronized (seen) {
            for (ProcessHandle p : seen) if (!all.contains(p)) all.add(p);
        }
        It.killAll(all);
        http.close();
    }
}
