package dev.baton.ping;

import dev.baton.shared.BatonException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PingCodecTest {
    private static final Instant AT = Instant.parse("2026-02-19T10:30:00Z");
    private static final String SHA = "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12";

    @Test
    void specChangedHasExactlyItsFieldsInOrder() {
        assertThat(json(Ping.specChanged("wf-1", "/d/specs/active/wf-1.yaml", 3, SHA, AT))).isEqualTo(
                "{\"type\":\"spec.changed\",\"specId\":\"wf-1\",\"path\":\"/d/specs/active/wf-1.yaml\",\"version\":3,"
                        + "\"sha256\":\"" + SHA + "\",\"timestamp\":\"2026-02-19T10:30:00Z\"}");
    }

    @Test
    void specCompletedLeavesOutAMissingVersion() {
        assertThat(json(Ping.specCompleted("wf-1", "/d/specs/done/wf-1.yaml", null, SHA, AT))).isEqualTo(
                "{\"type\":\"spec.completed\",\"specId\":\"wf-1\",\"path\":\"/d/specs/done/wf-1.yaml\","
                        + "\"sha256\":\"" + SHA + "\",\"timestamp\":\"2026-02-19T10:30:00Z\"}");
        assertThat(json(Ping.specCompleted("wf-1", "/p", 7L, SHA, AT))).contains("\"version\":7,");
    }

    @Test
    void workerNeededCarriesOnlyTheQueueLength() {
        assertThat(json(Ping.workerNeeded(4, AT))).isEqualTo(
                "{\"type\":\"worker.needed\",\"queueLength\":4,\"timestamp\":\"2026-02-19T10:30:00Z\"}");
    }

    @Test
    void systemHealthSaysOkOrError() {
        assertThat(json(Ping.systemHealth("baton-server", true, AT))).isEqualTo(
                "{\"type\":\"system.health\",\"service\":\"baton-server\",\"status\":\"ok\",\"timestamp\":\"2026-02-19T10:30:00Z\"}");
        assertThat(json(Ping.systemHealth("worker-3", false, AT))).contains("\"status\":\"error\"");
    }

    @Test
    void timestampsKeepTheirMillisecondsInUtc() {
        Instant at = Instant.parse("2026-02-19T11:30:00.123+01:00");
        assertThat(json(Ping.workerNeeded(0, at))).endsWith("\"timestamp\":\"2026-02-19T10:30:00.123Z\"}");
    }

    @Test
    void everyTypeSurvivesARoundTrip() {
        Instant at = Instant.parse("2026-02-19T10:30:00.123456789Z");
        for (Ping p : new Ping[]{Ping.specChanged("wf-1", "/a b/ü.yaml", 3, SHA, at), Ping.specCompleted("wf-1", "/p", null, SHA, at),
                Ping.workerNeeded(12, at), Ping.systemHealth("baton-server", false, at)}) {
            assertThat(PingCodec.decode(PingCodec.encode(p))).isEqualTo(p);
        }
    }

    @Test
    void encodeRefusesAPingOverOneKilobyteNamingItsSize() {
        Ping big = Ping.specChanged("wf-1", "/" + "x".repeat(1100), 1, SHA, AT);
        assertThatThrownBy(() -> PingCodec.encode(big)).isInstanceOfSatisfying(BatonException.Invalid.class, e -> {
            assertThat(e.code()).isEqualTo("ping.too-large");
            assertThat(e.getMessage()).contains(PingCodec.encode(Ping.specChanged("wf-1", "/", 1, SHA, AT)).length + 1100 + " bytes")
                    .contains("1024");
        });
    }

    @Test
    void aPingOfExactlyTheLimitIsAllowed() {
        int base = PingCodec.encode(Ping.specChanged("wf-1", "/", 1, SHA, AT)).length;
        Ping exact = Ping.specChanged("wf-1", "/" + "x".repeat(PingCodec.MAX_PAYLOAD_BYTES - base), 1, SHA, AT);
        assertThat(PingCodec.encode(exact)).hasSize(PingCodec.MAX_PAYLOAD_BYTES);
    }

    @Test
    void decodeRefusesOversizeInputBeforeParsingIt() {
        byte[] big = new byte[2000];
        java.util.Arrays.fill(big, (byte) ' ');
        assertThatThrownBy(() -> PingCodec.decode(big)).isInstanceOfSatisfying(BatonException.Invalid.class, e -> {
            assertThat(e.code()).isEqualTo("ping.too-large");
            assertThat(e.getMessage()).contains("2000 bytes").contains("1024 bytes");
        });
    }

    @Test
    void unknownFieldsAreIgnored() {
        Ping p = decode("{\"type\":\"worker.needed\",\"queueLength\":2,\"region\":\"eu\",\"extra\":{\"a\":[1]},"
                + "\"timestamp\":\"2026-02-19T10:30:00Z\"}");
        assertThat(p).isEqualTo(Ping.workerNeeded(2, AT));
    }

    @Test
    void nullFieldsCountAsAbsent() {
        assertThat(decode("{\"type\":\"worker.needed\",\"specId\":null,\"queueLength\":2,\"timestamp\":\"2026-02-19T10:30:00Z\"}"))
                .isEqualTo(Ping.workerNeeded(2, AT));
    }

    @Test
    void malformedInputIsRejectedSayingWhatIsWrong() {
        assertMalformed("{\"type\":\"spec.changed\",", "not valid JSON");
        assertMalformed("{} trailing", "not valid JSON");
        assertMalformed("", "empty");
        assertMalformed("[1,2]", "must be a JSON object, got array");
        assertMalformed("{\"timestamp\":\"2026-02-19T10:30:00Z\"}", "no 'type'");
        assertMalformed("{\"type\":\"spec.deleted\",\"timestamp\":\"2026-02-19T10:30:00Z\"}",
                "unknown ping type 'spec.deleted'; expected one of spec.changed, spec.completed, worker.needed, system.health");
        assertMalformed("{\"type\":7,\"timestamp\":\"2026-02-19T10:30:00Z\"}", "'type' must be a string, got 7");
        assertMalformed("{\"type\":\"worker.needed\"}", "no 'timestamp'");
        assertMalformed("{\"type\":\"worker.needed\",\"timestamp\":\"yesterday\"}", "timestamp 'yesterday' is not an ISO-8601 instant");
        assertMalformed("{\"type\":\"spec.changed\",\"version\":\"3\",\"timestamp\":\"2026-02-19T10:30:00Z\"}",
                "'version' must be an integer, got \"3\"");
        assertMalformed("{\"type\":\"worker.needed\",\"queueLength\":1.5,\"timestamp\":\"2026-02-19T10:30:00Z\"}",
                "'queueLength' must be a 32-bit integer, got 1.5");
        assertMalformed("{\"type\":\"spec.changed\",\"specId\":{\"a\":[1]},\"timestamp\":\"2026-02-19T10:30:00Z\"}",
                "'specId' must be a string, got {…}");
        assertMalformed("{\"type\":\"spec.changed\",\"version\":99999999999999999999,\"timestamp\":\"2026-02-19T10:30:00Z\"}",
                "'version' must be an integer, got 99999999999999999999");
    }

    private static void assertMalformed(String json, String messagePart) {
        assertThatThrownBy(() -> decode(json)).as(json).isInstanceOfSatisfying(BatonException.Invalid.class, e -> {
            assertThat(e.code()).isEqualTo("ping.malformed");
            assertThat(e.getMessage()).contains(messagePart);
        });
    }

    private static Ping decode(String json) {
        return PingCodec.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String json(Ping p) {
        return new String(PingCodec.encode(p), StandardCharsets.UTF_8);
    }
}
