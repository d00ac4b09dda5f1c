package dev.baton.api.rest;

import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the HTTP-level tests share: the project root, the server settings for one test class's data
 * folder, real git repositories, and a small JDK HttpClient wrapper against the running server.
 */
public final class BatonServer {
    public static final Path PROJECT_ROOT = findProjectRoot();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String token;

    public BatonServer(int port) {
        this(port, null);
    }

    /** @param token sent as {@code Authorization: Bearer <token>} on every call; null sends none */
    public BatonServer(int port, String token) {
        this.base = "http://localhost:" + port;
        this.token = token;
    }

    /** The settings every server under test gets: its own data folder, the project as home, short agent stop timeouts. */
    public static void register(DynamicPropertyRegistry registry, Supplier<Path> dataDir) {
        registry.add("baton.data-dir", () -> dataDir.get().toString());
        registry.add("baton.home", PROJECT_ROOT::toString);
        registry.add("database.url", () -> "");
        registry.add("agent.stop-timeout-ms", () -> "3000");
        registry.add("agent.query-timeout-ms", () -> "60000");
        registry.add("shutdown.timeout-ms", () -> "10000");
    }

    /** A git repository {@code <dataDir>/git/<name>} with one commit (the folder specs name as {@code path: <name>}). */
    public static Path gitRepository(Path dataDir, String name) throws IOException, InterruptedException {
        Path dir = dataDir.resolve("git").resolve(name);
        if (Files.exists(dir.resolve(".git"))) return dir;
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("README.md"), "# " + name + "\n");
        git(dir, "init", "-q", "-b", "main");
        git(dir, "add", "-A");
        git(dir, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "initial");
        return dir;
    }

    public static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException(argv + ": " + out);
        return out.trim();
    }

    /** A spec over repository {@code app} with the given works and tasks (YAML). */
    public static String spec(String id, String worksAndTasks) {
        return """
                id: %s
                name: Test workflow %s
                repositories:
                  - name: app
                    path: app
                %s""".formatted(id, id, worksAndTasks);
    }

    /** One work, one scripted task. */
    public static String oneTask(String id, String query) {
        return spec(id, """
                works:
                  - id: wk-a
                    name: Only
                    agent: scripted
                tasks:
                  - id: t1
                    work: wk-a
                    query: "%s"
                """.formatted(query));
    }

    // ---- HTTP ----

    public record Response(int status, HttpHeaders headers, String body) {
        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + contentType() + " " + (body.length() > 2000 ? body.substring(0, 2000) + "…" : body);
        }
    }

    public Response get(String path) {
        return send(request(path).GET());
    }

    public Response get(String path, String... headers) {
        return send(request(path).GET().headers(headers));
    }

    public Response post(String path) {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
    }

    public Response post(String path, String contentType, String body, String... headers) {
        HttpRequest.Builder b = request(path).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) b.header("Content-Type", contentType);
        if (headers.length > 0) b.headers(headers);
        return send(b);
    }

    public Response postYaml(String yaml) {
        return postYaml("/api/v1/workflows", yaml);
    }

    public Response postYaml(String path, String yaml) {
        return post(path, "application/yaml", yaml);
    }

    public Response delete(String path) {
        return send(request(path).DELETE());
    }

    public Response send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> r = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return b;
    }

    /** The status of workflow {@code id} as the API reports it. */
    public String status(String id) {
        Response r = get("/api/v1/workflows/" + id);
        if (r.status() != 200) throw new IllegalStateException("GET workflow " + id + ": " + r);
        return r.json().get("status").asString();
    }

    /** Ids of every stored workflow, as listed by the API. */
    public List<String> ids() {
        Response r = get("/api/v1/workflows?limit=1000");
        if (r.status() != 200) throw new IllegalStateException("list: " + r);
        List<String> out = new ArrayList<>();
        r.json().get("items").forEach(n -> out.add(n.get("id").asString()));
        return out;
    }

    private static Path findProjectRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("examples/agents/profiles.yaml"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("cannot find the project root (examples/agents/profiles.yaml)");
        return p;
    }
}
