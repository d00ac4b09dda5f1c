package dev.baton.ops.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import org.slf4j.event.KeyValuePair;
import dev.baton.shared.SecretMasker;
import org.springframework.boot.logging.structured.StructuredLogFormatter;
import org.springframework.core.env.Environment;
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
 * <p>Every value is masked before serialization (seed 001 §1.4, {@link SecretMasker} and {@link MaskedLogValues}):
 * the message, the MDC ids, each key-value pair (as a JSON tree, so nested maps and records too) and the
 * exception with its messages. A key-value named {@code query} shows its text only on DEBUG and TRACE lines.
 */
public class BatonLogFormatter implements StructuredLogFormatter<ILoggingEvent> {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String HOSTNAME = hostname();
    private final String service = "baton";
    private final SecretMasker masker;

    /** The built-in masking rules only (tests, or a logging setup without Spring's environment). */
    public BatonLogFormatter() {
        this(SecretMasker.defaults());
    }

    /** Called by Spring Boot's structured logging: adds the patterns of {@code logging.masking.patterns}. */
    public BatonLogFormatter(Environment environment) {
        this(new SecretMasker(LogMaskingProperties.from(environment).patterns()));
    }

    public BatonLogFormatter(SecretMasker masker) {
        this.masker = masker;
    }

    @Override
    public String format(ILoggingEvent e) {
        MaskedLogValues masked = new MaskedLogValues(masker, JSON, e.getLevel().toInt() <= Level.DEBUG_INT);
        Map<String, Object> line = new LinkedHashMap<>();
        Map<String, String> mdc = e.getMDCPropertyMap();
        line.put("timestamp", Instant.ofEpochMilli(e.getTimeStamp()).toString());
        line.put("level", e.getLevel().toString());
        line.put("correlationId", masked.text(mdc.get("correlationId")));
        line.put("workflowId", masked.text(mdc.get("workflowId")));
        line.put("workId", masked.text(mdc.get("workId")));
        line.put("taskId", masked.text(mdc.get("taskId")));
        Map<String, Object> context = new LinkedHashMap<>();
        Object event = null;
        Object duration = null;
        List<KeyValuePair> pairs = e.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair kv : pairs) {
                switch (kv.key) {
                    case "event" -> event = masked.value(kv.key, kv.value);
                    case "duration" -> duration = masked.value(kv.key, kv.value);
                    case "context" -> context.put("data", masked.value(kv.key, kv.value));
                    default -> context.put(kv.key, masked.value(kv.key, kv.value));
                }
            }
        }
        line.put("event", event != null ? event : "Log");
        line.put("message", masked.text(e.getFormattedMessage()));
        context.put("logger", e.getLoggerName());
        context.put("thread", e.getThreadName());
        IThrowableProxy t = e.getThrowableProxy();
        // The whole trace at once: the messages of the exception and of every cause are in it.
        if (t != null) context.put("error", masked.text(ThrowableProxyUtil.asString(t)));
        line.put("context", context);
        line.put("duration", duration);
        line.put("service", service);
        line.put("hostname", HOSTNAME);
        // Values are strings and JSON trees by now (MaskedLogValues), so serialization cannot fail on them.
        return JSON.writeValueAsString(line) + "\n";
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
