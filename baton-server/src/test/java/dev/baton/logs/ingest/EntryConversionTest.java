package dev.baton.logs.ingest;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.baton.grpc.v1.Gap;
import dev.baton.grpc.v1.LogBatch;
import dev.baton.grpc.v1.LogEntry;
import dev.baton.grpc.v1.StreamHello;
import dev.baton.logs.store.AppendBatch;
import dev.baton.logs.store.LogLevel;
import dev.baton.logs.store.LogSource;
import dev.baton.logs.store.NewLine;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The hand-written LogBatch decoding against what protobuf's generated code writes. */
class EntryConversionTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    private static final Map<String, String> HELLO_META = Map.of("pod_name", "p-1", "node", "n-1");

    private static AppendBatch convert(LogBatch batch) {
        WireBatch wire = WireBatch.parse(batch.toByteArray());
        assertThat(wire.malformed()).isNull();
        return EntryConversion.batch("w1", "s1", HELLO_META, wire, CLOCK);
    }

    @Test
    void decodesEveryFieldAsTheGeneratedParserReadsIt() {
        Random random = new Random(42);
        String[] texts = {"", "plain ascii", "héllo ✓ 日本語", "emoji 🎉 and tab\t", "x".repeat(70_000)};
        LogBatch.Builder batch = LogBatch.newBuilder().setHello(StreamHello.newBuilder().setWorkerId("w1").setStreamId("s1").putAllMetadata(HELLO_META));
        for (int i = 1; i <= 300; i++) {
            LogEntry.Builder e = LogEntry.newBuilder().setSequence(i * 3L)
                    .setTimestampUnixNanos(random.nextBoolean() ? 0 : 1_700_000_000_000_000_000L + random.nextInt(1_000_000))
                    .setWorkerId(random.nextInt(4) == 0 ? "w1" : "")
                    .setTaskId(random.nextInt(3) == 0 ? "" : "tk-" + random.nextInt(3))
                    .setWorkflowId("wf-" + random.nextInt(2))
                    .setLevelValue(random.nextInt(5)).setSourceValue(random.nextInt(4))
                    .setMessage(texts[random.nextInt(texts.length)])
                    .setPartial(random.nextInt(5) == 0);
            if (random.nextInt(10) == 0) e.putMetadata("container", "c-" + i);
            if (random.nextInt(20) == 0) e.setGap(Gap.newBuilder().setDroppedLines(i).setDroppedBytes(i * 100L));
            batch.addEntries(e);
        }
        LogBatch sent = batch.build();
        AppendBatch got = convert(sent);

        assertThat(got.lines()).hasSize(sent.getEntriesCount());
        for (int i = 0; i < sent.getEntriesCount(); i++) {
            LogEntry e = sent.getEntries(i);
            NewLine l = got.lines().get(i);
            assertThat(l.sequence()).isEqualTo(e.getSequence());
            assertThat(l.timestampNanos()).isEqualTo(e.getTimestampUnixNanos() != 0 ? e.getTimestampUnixNanos() : CLOCK.millis() * 1_000_000L);
            assertThat(l.taskId()).isEqualTo(e.getTaskId());
            assertThat(l.workflowId()).isEqualTo(e.getWorkflowId());
            assertThat(l.level()).isEqualTo(LogLevel.ofCode(e.getLevelValue()));
            assertThat(l.source()).isEqualTo(LogSource.ofCode(e.getSourceValue()));
            assertThat(l.message().toString()).isEqualTo(e.getMessage());
            assertThat(l.message().utf8Length()).isEqualTo(e.getMessageBytes().size());
            assertThat(l.partial()).isEqualTo(e.getPartial());
            assertThat(l.droppedLines()).isEqualTo(e.getGap().getDroppedLines());
            assertThat(l.droppedBytes()).isEqualTo(e.getGap().getDroppedBytes());
            if (e.getMetadataCount() == 0) {
                assertThat(l.metadata()).isSameAs(HELLO_META); // shared: the store writes it once per block
            } else {
                assertThat(l.metadata()).containsAllEntriesOf(HELLO_META).containsAllEntriesOf(e.getMetadataMap()).hasSize(3);
            }
        }
        int repeats = 0;
        for (int i = 1; i < got.lines().size(); i++) {
            NewLine before = got.lines().get(i - 1);
            NewLine l = got.lines().get(i);
            if (l.workflowId().equals(before.workflowId())) {
                assertThat(l.workflowId()).as("an id equal to the entry before's is the same string").isSameAs(before.workflowId());
                repeats++;
            }
        }
        assertThat(repeats).isPositive();
    }

    @Test
    void fieldsInAnyOrderAndUnknownFieldsAreRead() throws IOException {
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(entry);
        out.writeString(8, "message first");
        out.writeString(99, "a field from a newer worker");
        out.writeFixed64(98, 7);
        out.writeFixed32(97, 7);
        out.writeUInt64(1, 5);
        out.writeString(5, "wf-1");
        out.flush();
        LogBatch batch = LogBatch.newBuilder().addEntries(LogEntry.parseFrom(entry.toByteArray())).build();

        NewLine line = convert(batch).lines().getFirst();

        assertThat(line.sequence()).isEqualTo(5);
        assertThat(line.workflowId()).isEqualTo("wf-1");
        assertThat(line.message().toString()).isEqualTo("message first");
    }

    @Test
    void rejectsEntriesTheStoreCannotKeep() {
        assertThat(rejection(LogBatch.newBuilder().addEntries(LogEntry.newBuilder().setMessage("no sequence"))))
                .isEqualTo(Status.Code.INVALID_ARGUMENT + " entries[0].sequence must be at least 1, was 0");
        assertThat(rejection(LogBatch.newBuilder().addEntries(entry(2)).addEntries(entry(2))))
                .isEqualTo(Status.Code.INVALID_ARGUMENT + " entries[1].sequence 2 does not ascend (the entry before has 2)");
        assertThat(rejection(LogBatch.newBuilder().addEntries(entry(1).setWorkerId("w2"))))
                .isEqualTo(Status.Code.PERMISSION_DENIED + " entries[0].worker_id 'w2' is not this stream's worker 'w1'");
    }

    @Test
    void invalidUtf8IsRefusedAsProtobufWould() {
        byte[] bad = {'o', 'k', (byte) 0xC3, '(', 'x'};
        LogBatch batch = LogBatch.newBuilder().addEntries(LogEntry.newBuilder().setSequence(1)
                .setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
                        .addField(8, com.google.protobuf.UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFrom(bad)).build()).build())).build();

        assertThat(rejection(batch.toBuilder())).isEqualTo(Status.Code.INVALID_ARGUMENT + " entries[0].message is not valid UTF-8");
    }

    @Test
    void utf8CheckFindsABadByteAnywhere() {
        byte[] ascii = "0123456789abcdefghij".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int at = 0; at < ascii.length; at++) {
            byte[] bad = ascii.clone();
            bad[at] = (byte) 0xC3; // a lead byte followed by ASCII: invalid
            assertThat(EntryConversion.validUtf8(bad, 0, bad.length)).as("bad byte at %d", at).isFalse();
            byte[] good = new String(ascii, 0, at, java.nio.charset.StandardCharsets.UTF_8).concat("é✓").concat("tail").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(EntryConversion.validUtf8(good, 0, good.length)).as("valid with multi-byte at %d", at).isTrue();
        }
        assertThat(EntryConversion.validUtf8(ascii, 3, 9)).isTrue();
    }

    @Test
    void malformedBytesAreReportedNotThrown() {
        byte[] valid = LogBatch.newBuilder().addEntries(entry(1).setMessage("some text")).build().toByteArray();
        List<byte[]> broken = new ArrayList<>();
        broken.add(java.util.Arrays.copyOf(valid, valid.length - 3));          // entries cut off
        broken.add(new byte[]{(byte) 0x12, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F}); // a 4 GiB length
        broken.add(new byte[]{0x0B, 0x00});                                       // a group (wire type 3)
        for (byte[] bytes : broken) {
            WireBatch wire = WireBatch.parse(bytes);
            assertThat(wire.malformed()).as("%s", java.util.Arrays.toString(bytes)).startsWith("not a valid LogBatch: ");
        }
        // a well-framed batch whose entry is broken inside
        byte[] inner = {0x08, (byte) 0x80};                                      // sequence varint cut off
        byte[] outer = new byte[inner.length + 2];
        outer[0] = 0x12;
        outer[1] = (byte) inner.length;
        System.arraycopy(inner, 0, outer, 2, inner.length);
        WireBatch wire = WireBatch.parse(outer);
        assertThatThrownBy(() -> EntryConversion.batch("w1", "s1", HELLO_META, wire, CLOCK))
                .isInstanceOf(StatusRuntimeException.class)
                .hasMessageContaining("entries[0] is not a valid LogEntry: sequence is cut off");
    }

    private static LogEntry.Builder entry(long sequence) {
        return LogEntry.newBuilder().setSequence(sequence).setWorkflowId("wf-1").setMessage("line " + sequence);
    }

    private static String rejection(LogBatch.Builder batch) {
        try {
            convert(batch.build());
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() + " " + e.getStatus().getDescription();
        }
        throw new AssertionError("accepted");
    }
}
