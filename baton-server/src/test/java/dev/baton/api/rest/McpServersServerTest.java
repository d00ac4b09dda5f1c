package dev.baton.api.rest;

import com.sun.net.httpserver.HttpServer;
import dev.baton.api.rest.BatonServer.Response;
import dev.baton.server.BatonApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

/**
 * MCP servers end to end on a real server (embedded worker, DEBUG logging): a global stdio server (a real
 * script speaking MCP) and an http one (a JDK HTTP server answering initialize) from BATON_MCP_SERVERS; a
 * workflow whose work references the http one with envOverrides runs the {@code scripted-mcp} agent, which
 * prints the file {@code {mcpConfig}} names. The report shows the merged config; /ready and /metrics show both
 * servers reachable; an unknown reference is refused with 400; no env or header value reaches the log.
 */
@SpringBootTest(classes = BatonApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"logging.level.dev.baton=debug"})
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class McpServersServerTest {
    private static final String GH_SECRET = "plain-secret-gh-4711";
    private static final String DOCS_SECRET = "plain-secret-docs-0815";
    private static final String OVERRIDE_SECRET = "plain-override-secret-42";
    private static final Path TINY = BatonServer.PROJECT_ROOT.resolve("baton-server/src/test/resources/mcp/tiny-mcp-server.sh");

    @TempDir
    static Path dataDir;
    static HttpServer docs;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        BatonServer.register(registry, () -> dataDir);
        registry.add("mcp.servers-file", () -> dataDir.resolve("mcp.yaml").toString());
    }

    @BeforeAll
    static void repositoryAndMcpServers() throws Exception {
        BatonServer.gitRepository(dataDir, "app");
        docs = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        docs.createContext("/mcp", ex -> {
            JsonNode req = JsonMapper.builder().build().readTree(ex.getRequestBody().readAllBytes());
            boolean authorized = ("Bearer " + DOCS_SECRET).equals(ex.getRequestHeaders().getFirst("Authorization"));
            byte[] body = ("{\"jsonrpc\":\"2.0\",\"id\":" + req.get("id").asString() + ",\"result\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{}}}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(authorized ? 200 : 401, authorized ? body.length : -1);
            if (authorized) ex.getResponseBody().write(body);
            ex.close();
        });
        docs.start();
        Files.writeString(dataDir.resolve("mcp.yaml"), """
                servers:
                  github:
                    command: [bash, "%s"]
                    env: {GITHUB_TOKEN: "%s", MCP_TINY_REQUIRE: GITHUB_TOKEN}
                    global: true
                  docs:
                    url: "http://127.0.0.1:%d/mcp"
                    headers: {Authorization: "Bearer %s"}
                """.formatted(TINY, GH_SECRET, docs.getAddress().getPort(), DOCS_SECRET));
    }

    @AfterAll
    static void stopDocs() {
        docs.stop(0);
    }

    @Test
    void aWorkGetsTheMergedConfigTheServersAreCheckedAndNoValueIsLogged(CapturedOutput output) {
        String home = System.getenv("HOME");
        assumeTrue(home != null && !home.isBlank(), "HOME is set (resolved from ${HOME} below)");
        BatonServer api = new BatonServer(port);

        Response unknown = api.postYaml(BatonServer.spec("wf-mcp-unknown", """
                works:
                  - id: wk-a
                    name: W
                    agent: scripted-mcp
                    mcpServers: [docs, gitlab]
                tasks:
                  - id: t1
                    work: wk-a
                    query: echo x
                """));
        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(400);
        assertThat(unknown.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode problem = unknown.json().get("problems").get(0);
        assertThat(problem.get("field").asString()).isEqualTo("works[0].mcpServers[1]");
        assertThat(problem.get("message").asString()).isEqualTo("unknown MCP server 'gitlab' (known: docs, github)");

        Response created = api.postYaml(BatonServer.spec("wf-mcp", """
                works:
                  - id: wk-a
                    name: With MCP
                    agent: scripted-mcp
                    mcpServers:
                      - name: docs
                        envOverrides: {X-Team: "%s", X-Home: "${HOME}"}
                tasks:
                  - id: t1
                    work: wk-a
                    query: echo done
                """.formatted(OVERRIDE_SECRET)));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(api.post("/api/v1/workflows/wf-mcp/start").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> List.of("COMPLETED", "FAILED").contains(api.status("wf-mcp")));
        assertThat(api.status("wf-mcp")).isEqualTo("COMPLETED");

        // What the agent got: the merged file, 0600, named by {mcpConfig} and BATON_MCP_CONFIG.
        JsonNode reports = api.get("/api/v1/workflows/wf-mcp/reports").json();
        String report = api.get("/api/v1/workflows/wf-mcp/reports/" + reports.get(0).get("id").asString()).body();
        assertThat(report).contains("mcp-config-mode 600", "mcp-config-env " + dataDir.resolve("workflows/wf-mcp/workspaces/wk-a/.baton-mcp.json").toAbsolutePath());
        String json = report.lines().filter(l -> l.startsWith("mcp-config {")).findFirst().orElseThrow().substring("mcp-config ".length());
        JsonNode servers = JsonMapper.builder().build().readTree(json).get("mcpServers");
        assertThat(servers.propertyNames()).containsExactly("github", "docs");
        assertThat(servers.get("github").get("command").asString()).isEqualTo("bash");
        assertThat(servers.get("github").get("args").get(0).asString()).isEqualTo(TINY.toString());
        assertThat(servers.get("github").get("env").get("GITHUB_TOKEN").asString()).isEqualTo(GH_SECRET);
        JsonNode docsServer = servers.get("docs");
        assertThat(docsServer.get("type").asString()).isEqualTo("http");
        assertThat(docsServer.get("url").asString()).isEqualTo("http://127.0.0.1:" + docs.getAddress().getPort() + "/mcp");
        assertThat(docsServer.get("headers").get("Authorization").asString()).isEqualTo("Bearer " + DOCS_SECRET);
        assertThat(docsServer.get("headers").get("X-Team").asString()).isEqualTo(OVERRIDE_SECRET);
        assertThat(docsServer.get("headers").get("X-Home").asString()).isEqualTo(home);
        // The work as the API shows it keeps the reference as written.
        JsonNode ref = api.get("/api/v1/workflows/wf-mcp").json().get("works").get(0).get("mcpServers").get(0);
        assertThat(ref.get("name").asString()).isEqualTo("docs");
        assertThat(ref.get("envOverrides").get("X-Home").asString()).isEqualTo("${HOME}");

        // Both servers answered the handshake (stdio with its env, http with its header).
        JsonNode mcp = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> api.get("/ready").json().get("checks").get("mcpServers"), c -> c.get("activeConnections").asInt() == 2);
        assertThat(mcp.get("status").asString()).isEqualTo("UP");
        assertThat(mcp.get("detail").asString()).isEqualTo("2/2 servers reachable");
        assertThat(mcp.get("servers").get("github").get("reachable").asBoolean()).isTrue();
        assertThat(mcp.get("servers").get("docs").get("responseTime").isNumber()).isTrue();
        String metrics = api.get("/metrics").body();
        assertThat(metrics).contains("mcp_connection_active 2.0", "mcp_validation_failure_total{server=\"docs\"} 0.0",
                "mcp_validation_failure_total{server=\"github\"} 0.0");

        // The server's log: the merge was logged (DEBUG, masked); no value shows anywhere.
        await().atMost(Duration.ofSeconds(10)).until(() -> output.getOut().contains("\"event\":\"WorkflowCompleted\""));
        String log = output.getAll();
        assertThat(log).contains("\"event\":\"McpConfigMerged\"", "\"GITHUB_TOKEN\":\"***\"", "\"X-Team\":\"***\"");
        assertThat(log).doesNotContain(GH_SECRET, DOCS_SECRET, OVERRIDE_SECRET);
        String agentOutput = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> api.get("/api/v1/workflows/wf-mcp/logs?limit=10000").body(), body -> body.contains("mcp-config {"));
        // The agent printed the whole file as one line: the worker's masking hides its env and headers values.
        assertThat(agentOutput).contains("mcp-config-mode 600", "GITHUB_TOKEN", "X-Team").doesNotContain(GH_SECRET, DOCS_SECRET, OVERRIDE_SECRET);
    }
}
