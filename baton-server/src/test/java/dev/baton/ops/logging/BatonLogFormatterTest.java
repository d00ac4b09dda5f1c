package dev.baton.ops.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BatonLogFormatterTest {
    private final JsonMapper json = JsonMapper.builder().build();

    private LoggingEvent event(String message, Map<String, String> mdc, List<KeyValuePair> pairs) {
        LoggerContext ctx = new LoggerContext();
        LoggingEvent e = new LoggingEvent("fqcn", ctx.getLogger("dev.baton.test"), Level.INFO, message, null, null);
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
}
