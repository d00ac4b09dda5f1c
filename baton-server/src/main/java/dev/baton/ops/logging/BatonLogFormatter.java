package dev.baton.ops.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import org.slf4j.event.KeyValuePair;
import org.springframework.boot.logging.structured.StructuredLogFormatter;
import tools.jackson.databind.json.JsonMapper;

import java.net.InetAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JSON object per log line with exactly seed 001 §1.2's fields: timestamp, level, correlationId,
 * workflowId, workId, taskId, event, message, context, duration, service, hostname. The ids come from
 * the MDC; {@code event}, {@code duration} and any other key-value pairs of the log call from SLF4J's
 * fluent API ({@code log.atInfo().addKeyValue("event", …)}), the others going into {@code context}.
 */
public class BatonLogFormatter implements StructuredLogFormatter<ILoggingEvent> {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String HOSTNAME = hostname();
    private final String service = "baton";

    @Override
    public String format(ILoggingEvent e) {
        Map<String, Object> line = new LinkedHashMap<>();
        Map<String, String> mdc = e.getMDCPropertyMap();
        line.put("timestamp", Instant.ofEpochMilli(e.getTimeStamp()).toString());
        line.put("level", e.getLevel().toString());
        line.put("correlationId", mdc.get("correlationId"));
        line.put("workflowId", mdc.get("workflowId"));
        line.put("workId", mdc.get("workId"));
        line.put("taskId", mdc.get("taskId"));
        Map<String, Object> context = new LinkedHashMap<>();
        Object event = null;
        Object duration = null;
        List<KeyValuePair> pairs = e.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair kv : pairs) {
                switch (kv.key) {
                    case "event" -> event = kv.value;
                    case "duration" -> duration = kv.value;
                    case "context" -> context.put("data", kv.value);
                    default -> context.put(kv.key, kv.value);
                }
            }
        }
        line.put("event", event != null ? event : "Log");
        line.put("message", e.getFormattedMessage());
        context.put("logger", e.getLoggerName());
        context.put("thread", e.getThreadName());
        IThrowableProxy t = e.getThrowableProxy();
        if (t != null) context.put("error", ThrowableProxyUtil.asString(t));
        line.put("context", context);
        line.put("duration", duration);
        line.put("service", service);
        line.put("hostname", HOSTNAME);
        try {
            return JSON.writeValueAsString(line) + "\n";
        } catch (RuntimeException ex) {
            // A value that cannot be serialized must not lose the line.
            context.put("data", String.valueOf(context.get("data")));
            return JSON.writeValueAsString(line) + "\n";
        }
    }

    private static String hostname() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) return env;
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
