package dev.baton.ping;

import dev.baton.shared.BatonException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The wire format of a ping: a flat JSON object of at most 1 KB. Other senders (workers in other languages)
 * speak it too, so field order is fixed, absent fields are left out, and unknown fields are ignored.
 */
public final class PingCodec {
    /** Pings are hints, not payloads; the limit keeps anyone from smuggling documents through the bus. */
    public static final int MAX_PAYLOAD_BYTES = 1024;

    private static final JsonMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final String KNOWN_TYPES = Arrays.stream(PingType.values()).map(PingType::subject).collect(Collectors.joining(", "));
    private static final int ECHO_LIMIT = 80;

    private PingCodec() {
    }

    /** @throws BatonException.Invalid {@code ping.too-large} if the JSON is over {@link #MAX_PAYLOAD_BYTES} */
    public static byte[] encode(Ping p) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", p.type().subject());
        if (p.specId() != null) n.put("specId", p.specId());
        if (p.path() != null) n.put("path", p.path());
        if (p.version() != null) n.put("version", p.version().longValue());
        if (p.sha256() != null) n.put("sha256", p.sha256());
        if (p.queueLength() != null) n.put("queueLength", p.queueLength().intValue());
        if (p.service() != null) n.put("service", p.service());
        if (p.status() != null) n.put("status", p.status());
        // Instant.toString is ISO-8601 in UTC with only as many fraction digits as needed: 10:30:00Z, 10:30:00.123Z.
        n.put("timestamp", p.timestamp().toString());
        byte[] bytes = JSON.writeValueAsBytes(n);
        if (bytes.length > MAX_PAYLOAD_BYTES) {
            throw new BatonException.Invalid("ping.too-large", "a %s ping is %d bytes as JSON, over the limit of %d bytes"
                    .formatted(p.type().subject(), bytes.length, MAX_PAYLOAD_BYTES));
        }
        return bytes;
    }

    /**
     * @throws BatonException.Invalid {@code ping.too-large} over {@link #MAX_PAYLOAD_BYTES}, {@code ping.malformed}
     *                                for anything that is not a JSON object with a known {@code type} and an
     *                                ISO-8601 {@code timestamp}, or whose fields have the wrong JSON types
     */
    public static Ping decode(byte[] json) {
        if (json == null || json.length == 0) throw malformed("ping is empty; expected a JSON object");
        if (json.length > MAX_PAYLOAD_BYTES) {
            throw new BatonException.Invalid("ping.too-large", "ping is %d bytes, over the limit of %d bytes"
                    .formatted(json.length, MAX_PAYLOAD_BYTES));
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw malformed("ping is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw malformed("ping must be a JSON object, got " + (root == null ? "nothing" : root.getNodeType().name().toLowerCase()));
        }
        String typeName = requiredString(root, "type");
        PingType type = PingType.fromSubject(typeName)
                .orElseThrow(() -> malformed("unknown ping type '%s'; expected one of %s".formatted(echo(typeName), KNOWN_TYPES)));
        return new Ping(type, optionalString(root, "specId"), optionalString(root, "path"), optionalLong(root, "version"),
                optionalString(root, "sha256"), optionalInt(root, "queueLength"), optionalString(root, "service"),
                optionalString(root, "status"), timestamp(requiredString(root, "timestamp")));
    }

    private static Instant timestamp(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw malformed("ping timestamp '%s' is not an ISO-8601 instant such as 2026-02-19T10:30:00Z".formatted(echo(text)));
        }
    }

    private static String requiredString(JsonNode root, String field) {
        String value = optionalString(root, field);
        if (value == null) throw malformed("ping has no '" + field + "'");
        return value;
    }

    private static String optionalString(JsonNode root, String field) {
        JsonNode v = present(root, field);
        if (v == null) return null;
        if (!v.isString()) throw wrongType(field, "a string", v);
        return v.stringValue();
    }

    private static Long optionalLong(JsonNode root, String field) {
        JsonNode v = present(root, field);
        if (v == null) return null;
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw wrongType(field, "an integer", v);
        return v.longValue();
    }

    private static Integer optionalInt(JsonNode root, String field) {
        JsonNode v = present(root, field);
        if (v == null) return null;
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw wrongType(field, "a 32-bit integer", v);
        return v.intValue();
    }

    /** JSON null counts as absent: some encoders write nulls rather than leave fields out. */
    private static JsonNode present(JsonNode root, String field) {
        JsonNode v = root.get(field);
        return v == null || v.isNull() ? null : v;
    }

    private static BatonException.Invalid wrongType(String field, String expected, JsonNode actual) {
        return malformed("ping field '%s' must be %s, got %s".formatted(field, expected, echo(actual.toString())));
    }

    private static BatonException.Invalid malformed(String message) {
        return new BatonException.Invalid("ping.malformed", message);
    }

    /** Inbound text comes from anyone on the bus; keep what lands in log lines short. */
    private static String echo(String text) {
        return text.length() <= ECHO_LIMIT ? text : text.substring(0, ECHO_LIMIT) + "…";
    }
}
