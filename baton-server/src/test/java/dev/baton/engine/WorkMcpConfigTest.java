package dev.baton.engine;

import dev.baton.mcp.McpConfigMerge;
import dev.baton.mcp.McpRegistry;
import dev.baton.mcp.McpServer;
import dev.baton.shared.BatonException;
import dev.baton.shared.Problem;
import dev.baton.workflow.Report;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowStatus;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A work's MCP config on a real run: the agent ({@code scripted-mcp}) prints the file {@code {mcpConfig}} names,
 * so its report shows what it got; the span mcp.config.merge under agent.start carries the references.
 */
class WorkMcpConfigTest {
    /** Baton's environment as the merge sees it: the ${NAME} values. */
    private static final Map<String, String> ENV = Map.of("GH_TOKEN_FOR_TEST", "gh-resolved-1", "DOCS_TOKEN_FOR_TEST", "docs-resolved-2", "TEAM", "platform");

    @TempDir
    Path tmp;
    InMemorySpanExporter spans;
    SdkTracerProvider provider;
    EngineFixture f;

    @BeforeEach
    void setUp() throws Exception {
        spans = InMemorySpanExporter.create();
        provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
        McpRegistry registry = new McpRegistry(List.of(
                new McpServer.Stdio("github", List.of("npx", "-y", "@modelcontextprotocol/server-github"), Map.of("GITHUB_TOKEN", "${GH_TOKEN_FOR_TEST}")),
                new McpServer.Http("docs", "http://127.0.0.1:8000/mcp", Map.of("Authorization", "Bearer ${DOCS_TOKEN_FOR_TEST}")),
                new McpServer.Stdio("needs-unset", List.of("mcp-x"), Map.of("K", "${NOT_SET_ANYWHERE}"))), Set.of("github"));
        f = new EngineFixture(tmp, EngineFixture.fastSettings(), new EngineTracing(OpenTelemetrySdk.builder().setTracerProvider(provider).build()),
                new McpConfigMerge(registry, ENV::get));
    }

    @AfterEach
    void tearDown() {
        f.close();
        provider.close();
    }

    private String report(Workflow wf, String taskId) {
        Report r = f.workflows().reports(wf.id()).stream().filter(x -> x.taskId().equals(taskId)).findFirst().orElseThrow();
        return f.workflows().reportContent(wf.id(), r.id());
    }

    @Test
    void theAgentGetsTheMergedConfigFileAndTheSpanTellsTheReferences() throws Exception {
        Workflow wf = f.create(WorkflowRunTest.spec("wf-mcp", """
                works:
                  - id: wk-a
                    name: With MCP
                    agent: scripted-mcp
                    mcpServers:
                      - name: docs
                        envOverrides: {X-Team: "${TEAM}"}
                tasks:
                  - id: t1
                    work: wk-a
                    query: "echo done"
                """));
        f.workflows().start(wf.id());
        assertThat(f.await(wf.id(), WorkflowStatus.COMPLETED, WorkflowStatus.FAILED).status()).isEqualTo(WorkflowStatus.COMPLETED);

        String report = report(wf, "t1");
        Path file = f.layout.workspace(wf.id(), "wk-a").resolve(".baton-mcp.json");
        assertThat(report).contains("mcp-config-mode 600", "mcp-config-env " + file, "done");
        String json = report.lines().filter(l -> l.startsWith("mcp-config {")).findFirst().orElseThrow().substring("mcp-config ".length());
        JsonNode servers = JsonMapper.builder().build().readTree(json).get("mcpServers");
        assertThat(servers.propertyNames()).containsExactly("github", "docs");
        assertThat(servers.get("github").get("command").asString()).isEqualTo("npx");
        assertThat(servers.get("github").get("env").get("GITHUB_TOKEN").asString()).isEqualTo("gh-resolved-1");
        assertThat(servers.get("docs").get("type").asString()).isEqualTo("http");
        assertThat(servers.get("docs").get("headers").get("Authorization").asString()).isEqualTo("Bearer docs-resolved-2");
        assertThat(servers.get("docs").get("headers").get("X-Team").asString()).isEqualTo("platform");
        assertThat(file).as("the file holds resolved secrets: gone once the agent stopped").doesNotExist();
        // The spec file keeps what the user wrote.
        assertThat(Files.readString(f.layout.specFile(wf.id()))).contains("X-Team: \"${TEAM}\"").doesNotContain("platform");

        SpanData start = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("agent.start")).findFirst().orElseThrow();
        SpanData merge = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("mcp.config.merge")).findFirst().orElseThrow();
        assertThat(merge.getParentSpanId()).isEqualTo(start.getSpanId());
        assertThat(merge.getAttributes().get(EngineTracing.MCP_REFS_GLOBAL)).containsExactly("github");
        assertThat(merge.getAttributes().get(EngineTracing.MCP_REFS_WORK)).containsExactly("docs");
        assertThat(merge.getAttributes().get(EngineTracing.MCP_SERVER_COUNT)).isEqualTo(2L);
        assertThat(start.getAttributes().get(EngineTracing.MCP_SERVER_COUNT)).isEqualTo(2L);
    }

    @Test
    void anUnsetVariableFailsTheWorkWithTheVariableNamedAndNoAgentRuns() {
        Workflow wf = f.create(WorkflowRunTest.spec("wf-mcp-unset", """
                works:
                  - id: wk-a
                    name: W
                    agent: scripted-mcp
                    mcpServers: [needs-unset]
                tasks:
                  - id: t1
                    work: wk-a
                    query: "write app/x.txt never"
                """));
        f.workflows().start(wf.id());
        Workflow done = f.await(wf.id(), WorkflowStatus.COMPLETED, WorkflowStatus.FAILED);

        assertThat(done.status()).isEqualTo(WorkflowStatus.FAILED);
        assertThat(done.works().getFirst().tasks().getFirst().error()).contains("${NOT_SET_ANYWHERE}", "needs-unset");
        assertThat(report(wf, "t1")).doesNotContain("mcp-config-mode");
        SpanData start = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("agent.start")).findFirst().orElseThrow();
        assertThat(start.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    }

    @Test
    void aWorkflowReferencingAnUnknownServerIsRefusedWhenCreated() {
        BatonException.Invalid e = catchThrowableOfType(BatonException.Invalid.class, () -> f.create(WorkflowRunTest.spec("wf-mcp-unknown", """
                works:
                  - id: wk-a
                    name: W
                    agent: scripted
                    mcpServers: [github, gitlab]
                tasks:
                  - id: t1
                    work: wk-a
                    query: "echo x"
                """)));
        assertThat(e.problems()).singleElement().extracting(Problem::field, Problem::message)
                .containsExactly("works[0].mcpServers[1]", "unknown MCP server 'gitlab' (known: docs, github, needs-unset)");
    }
}
