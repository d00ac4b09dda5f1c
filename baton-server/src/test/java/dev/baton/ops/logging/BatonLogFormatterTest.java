package dev.baton.ops.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.baton.shared.SecretMasker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BatonLogFormatterTest {
    private final JsonMapper json = JsonMapper.builder().build();

    private LoggingEvent event(String message, Map<String, String> mdc, List<KeyValuePair> pairs) {
        return event(Level.INFO, message, null, mdc, pairs);
    }

    private LoggingEvent event(Level level, String message, Throwable error, Map<String, String> mdc, List<KeyValuePair> pairs) {
        LoggerContext ctx = new LoggerContext();
        LoggingEvent e = new LoggingEvent("fqcn", ctx.getLogger("dev.baton.test"), level, message, error, null);
        e.setMDCPropertyMap(mdc);
        pairs.forEach(e::addKeyValuePair);
        return e;
    }

    @Test
    void writesExactlyTheSeedFieldsWithIdsFromTheMdcAndEventFromKeyValues() {
        String line = new BatonLogFormatter().format(event("Workflow state READY → RUNNING",
                Map.of("correlationId", "wf-1-abc", "workflowId", "wf-1", "workId", "wk-1"),
                List.of(new KeyValuePair("event", "WorkflowStatusChanged"), new KeyValuePair("duration", 42),
                        new KeyValuePair("previousStatus", "READY"))));

        assertThat(line).endsWith("\n").doesNotContain("\n{");
        JsonNode n = json.readTree(line);
        assertThat(n.propertyNames()).containsExactly("timestamp", "level", "correlationId", "workflowId", "workId", "taskId",
                "event", "message", "context", "duration", "service", "hostname");
        assertThat(n.get("level").asString()).isEqualTo("INFO");
        assertThat(n.get("correlationId").asString()).isEqualTo("wf-1-abc");
        assertThat(n.get("taskId").isNull()).isTrue();
        assertThat(n.get("event").asString()).isEqualTo("WorkflowStatusChanged");
        assertThat(n.get("duration").asInt()).isEqualTo(42);
        assertThat(n.get("context").get("previousStatus").asString()).isEqualTo("READY");
        assertThat(n.get("service").asString()).isEqualTo("baton");
        assertThat(n.get("timestamp").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    }

    @Test
    void aPlainLogLineStillHasEveryField() {
        JsonNode n = json.readTree(new BatonLogFormatter().format(event("hello", Map.of(), List.of())));
        assertThat(n.get("event").asString()).isEqualTo("Log");
        assertThat(n.get("correlationId").isNull()).isTrue();
        assertThat(n.get("message").asString()).isEqualTo("hello");
    }

    @Test
    void masksTheMessageTheKeyValuesTheMdcAndTheException() {
        String line = new BatonLogFormatter().format(event(Level.WARN, "clone of https://u:tok3nvalue@github.com/o/r.git failed",
                new IllegalStateException("auth failed for token=abcdefghijklmnop",
                        new RuntimeException("cause with sk-proj-Abc123def456GHI789jkl012")),
                Map.of("workflowId", "wf-1", "correlationId", "ghp_0123456789abcdefghijABCDEFGHIJ"),
                List.of(new KeyValuePair("remote", "https://x-access-token:ghp_0123456789abcdefghijABCDEFGHIJ@github.com/o/r"),
                        new KeyValuePair("apiToken", "abcdefghijklmnop"),
                        new KeyValuePair("sha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"))));

        JsonNode n = json.readTree(line);
        assertThat(n.get("message").asString()).isEqualTo("clone of https://***@github.com/o/r.git failed");
        assertThat(n.get("correlationId").asString()).isEqualTo("ghp_***");
        assertThat(n.get("workflowId").asString()).isEqualTo("wf-1");
        assertThat(n.get("context").get("remote").asString()).isEqualTo("https://***@github.com/o/r");
        assertThat(n.get("context").get("apiToken").asString()).isEqualTo("abcd***");
        assertThat(n.get("context").get("sha256").asString()).startsWith("9f86d081884c7d659a2f");
        assertThat(n.get("context").get("error").asString()).contains("token=abcd***", "sk-p***", "IllegalStateException")
                .doesNotContain("efghijklmnop", "Abc123def456");
    }

    @Test
    void envAndEnvOverridesHideEveryValueAtAnyDepth() {
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("name", "github");
        server.put("command", "npx");
        server.put("env", Map.of("GITHUB_TOKEN", "plainvalue1"));
        server.put("envOverrides", Map.of("DB_PASSWORD", "plainvalue2"));
        server.put("headers", Map.of("X-Api-Key", "plainvalue4"));
        String line = new BatonLogFormatter().format(event("mcp", Map.of(), List.of(
                new KeyValuePair("env", Map.of("OPENAI_API_KEY", "plainvalue3")),
                new KeyValuePair("context", Map.of("mcpServers", List.of(server))))));

        JsonNode n = json.readTree(line);
        assertThat(line).doesNotContain("plainvalue");
        assertThat(n.get("context").get("env").get("OPENAI_API_KEY").asString()).isEqualTo("***");
        JsonNode s = n.get("context").get("data").get("mcpServers").get(0);
        assertThat(s.get("env").get("GITHUB_TOKEN").asString()).isEqualTo("***");
        assertThat(s.get("envOverrides").get("DB_PASSWORD").asString()).isEqualTo("***");
        assertThat(s.get("headers").get("X-Api-Key").asString()).isEqualTo("***");
        assertThat(s.get("command").asString()).isEqualTo("npx");
    }

    /** The engine's McpConfigMerged line: the merged servers as McpMerged describes them, and the raw config text. */
    @Test
    void aMergedMcpConfigShowsNoEnvOrHeaderValue() {
        var registry = new dev.baton.mcp.McpRegistry(List.of(
                new dev.baton.mcp.McpServer.Stdio("github", List.of("npx", "server"), Map.of("GITHUB_TOKEN", "${GITHUB_TOKEN}")),
                new dev.baton.mcp.McpServer.Http("docs", "http://127.0.0.1:8000/mcp", Map.of("Authorization", "Bearer ${DOCS}"))), java.util.Set.of("github"));
        var merged = new dev.baton.mcp.McpConfigMerge(registry, Map.of("GITHUB_TOKEN", "resolvedvalue1", "DOCS", "resolvedvalue2")::get)
                .merge(List.of(new dev.baton.mcp.McpServerRef("docs", Map.of("X-Team", "overridevalue3"))));
        String line = new BatonLogFormatter().format(event("merged", Map.of(), List.of(
                new KeyValuePair("mcpServers", merged.describeMasked()),
                new KeyValuePair("config", dev.baton.mcp.McpConfigJson.render(merged.servers())))));

        assertThat(line).doesNotContain("resolvedvalue", "overridevalue").contains("GITHUB_TOKEN", "X-Team", "http://127.0.0.1:8000/mcp");
    }

    @Test
    void theQueryShowsWholeOnlyOnDebugAndTraceLines() {
        String query = "refactor the billing module, ".repeat(10);
        for (Level level : List.of(Level.INFO, Level.WARN, Level.ERROR)) {
            JsonNode n = json.readTree(new BatonLogFormatter().format(event(level, "sent", null, Map.of(),
                    List.of(new KeyValuePair("query", query), new KeyValuePair("context", Map.of("task", Map.of("query", query)))))));
            assertThat(n.get("context").get("query").asString()).isEqualTo("[length=" + query.length() + "]");
            assertThat(n.get("context").get("data").get("task").get("query").asString()).isEqualTo("[length=" + query.length() + "]");
        }
        for (Level level : List.of(Level.DEBUG, Level.TRACE)) {
            JsonNode n = json.readTree(new BatonLogFormatter().format(event(level, "sent", null, Map.of(),
                    List.of(new KeyValuePair("query", query + " token=abcdefghijklmnop")))));
            assertThat(n.get("context").get("query").asString()).isEqualTo(query + " token=abcd***");
        }
    }

    @Test
    void aValueJacksonCannotSerializeIsLoggedAsItsMaskedText() {
        Object odd = new Object() {
            public String getBoom() {
                throw new IllegalStateException("no");
            }

            @Override
            public String toString() {
                return "odd password=hunter2hunter2";
            }
        };
        JsonNode n = json.readTree(new BatonLogFormatter().format(event("x", Map.of(), List.of(new KeyValuePair("context", odd)))));
        assertThat(n.get("context").get("data").asString()).isEqualTo("odd password=***");
    }

    /** Every corpus secret through every part of a line the formatter writes. */
    @Test
    void noCorpusSecretSurvivesAnyPathThroughTheFormatter() {
        BatonLogFormatter formatter = new BatonLogFormatter(new SecretMasker(List.of(SecretsCorpus.EXTRA_PATTERN)));
        StringBuilder out = new StringBuilder();
        for (SecretsCorpus.Secret s : SecretsCorpus.ALL) {
            String text = s.inText();
            out.append(formatter.format(event(Level.INFO, text, null, Map.of(), List.of())));
            out.append(formatter.format(event(Level.DEBUG, "kv", null, Map.of(), List.of(new KeyValuePair("detail", text),
                    new KeyValuePair("query", text), new KeyValuePair("context", Map.of("nested", List.of(text)))))));
            out.append(formatter.format(event(Level.INFO, "mdc", null, Map.of("workflowId", text, "taskId", text), List.of())));
            out.append(formatter.format(event(Level.ERROR, "failed", new IllegalStateException(text, new RuntimeException(text)),
                    Map.of(), List.of())));
        }
        out.append(formatter.format(event(Level.INFO, "agent", null, Map.of(), List.of(new KeyValuePair("env",
                Map.of("A", SecretsCorpus.ALL.get(0).secret(), "B", SecretsCorpus.ALL.get(14).secret()))))));

        SecretsCorpus.assertNoSecretIn(out.toString());
    }
}
