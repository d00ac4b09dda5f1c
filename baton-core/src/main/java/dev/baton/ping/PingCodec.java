package dev.baton.ping;

import dev.baton.shared.BatonException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The wire format of a ping: a flat JSON object of at most 1 KB. Other senders (workers in other languages)
 * speak it too, so field order is fixed, absent fields are left out, and unknown fields are ignored.
 */
public final class PingCodec {
    /** Pings are hints, not payloads; the limit keeps anyone from smuggling documents through the bus. */
    public static final int MAX_PAYLOAD_BYTES = 1024;

    private static final JsonMapper JSON = JsonMapper.builder().build();
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
     * Read with the streaming parser, field by field, into the few values a ping has: every subscriber decodes
     * every ping, so this runs 100,000 times a second in {@code bench ping} (a tree per ping and the JDK's
     * general ISO-8601 parser were a third of that benchmark's CPU).
     *
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
        Fields f = new Fields();
        try (JsonParser p = JSON.createParser(json)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) throw malformed("ping must be a JSON object, got " + kind(first));
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.VALUE_NULL) {
                    f.put(name, null); // JSON null counts as absent: some encoders write nulls rather than leave fields out
                    continue;
                }
                switch (name) {
                    case "type", "specId", "path", "sha256", "service", "status", "timestamp" ->
                            f.put(name, value == JsonToken.VALUE_STRING ? p.getString() : wrongType(name, "a string", p));
                    case "version" -> f.put(name, value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                            ? (Object) p.getLongValue() : wrongType(name, "an integer", p));
                    case "queueLength" -> f.put(name, value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
                            ? (Object) p.getIntValue() : wrongType(name, "a 32-bit integer", p));
                    default -> p.skipChildren(); // unknown fields are ignored
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) throw malformed("ping is not valid JSON: not one object");
        } catch (JacksonException e) {
            throw malformed("ping is not valid JSON: " + e.getOriginalMessage());
        }
        String typeName = f.string("type");
        if (typeName == null) throw malformed("ping has no 'type'");
        PingType type = PingType.fromSubject(typeName)
                .orElseThrow(() -> malformed("unknown ping type '%s'; expected one of %s".formatted(echo(typeName), KNOWN_TYPES)));
        String specId = f.string("specId");
        String path = f.string("path");
        Long version = (Long) f.value("version");
        String sha256 = f.string("sha256");
        Integer queueLength = (Integer) f.value("queueLength");
        String service = f.string("service");
        String status = f.string("status");
        String timestamp = f.string("timestamp");
        if (timestamp == null) throw malformed("ping has no 'timestamp'");
        return new Ping(type, specId, path, version, sha256, queueLength, service, status, timestamp(timestamp));
    }

    /** A ping's known fields as read; a field of the wrong JSON type holds its error, thrown when the field is used. */
    private static final class Fields {
        private final Map<String, Object> values = new HashMap<>(16);

        void put(String name, Object value) {
            values.put(name, value);
        }

        Object value(String name) {
            Object v = values.get(name);
            if (v instanceof BatonException.Invalid problem) throw problem;
            return v;
        }

        String string(String name) {
            return (String) value(name);
        }
    }

    private static String kind(JsonToken token) {
        if (token == null) return "nothing";
        return switch (token) {
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            default -> token.name().toLowerCase();
        };
    }

    /** The common shape {@code 2026-02-19T10:30:00[.123…]Z} by hand; anything else by {@link Instant#parse}. */
    static Instant timestamp(String text) {
        Instant fast = IsoInstant.parseUtc(text);
        if (fast != null) return fast;
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw malformed("ping timestamp '%s' is not an ISO-8601 instant such as 2026-02-19T10:30:00Z".formatted(echo(text)));
        }
    }

    /** The field's wrong value as JSON (an object or array is skipped, shown as {…} or […]), in the error kept for the field. */
    private static BatonException.Invalid wrongType(String field, String expected, JsonParser p) {
        String actual = switch (p.currentToken()) {
            case VALUE_STRING -> JSON.writeValueAsString(p.getString());
            case START_OBJECT -> {
                p.skipChildren();
                yield "{…}";
            }
            case START_ARRAY -> {
                p.skipChildren();
                yield "[…]";
            }
            default -> p.getString();
        };
        return malformed("ping field '%s' must be %s, got %s".formatted(field, expected, echo(actual)));
    }


    private static BatonException.Invalid malformed(String message) {
        return new BatonException.Invalid("ping.malformed", message);
    }

    /** Inbound text comes from anyone on the bus; keep what lands in log lines short. */
    private static String echo(String text) {
        return text.length() <= ECHO_LIMIT ? text : text.substring(0, ECHO_LIMIT) + "…";
    }
}
