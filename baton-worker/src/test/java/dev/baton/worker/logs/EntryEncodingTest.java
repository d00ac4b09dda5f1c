package dev.baton.worker.logs;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.baton.grpc.v1.Gap;
import dev.baton.grpc.v1.LogEntry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written LogEntry bytes must be exactly what protobuf writes, or the server would read other lines. */
class EntryEncodingTest {

    @Test
    void encodesALineByteForByteAsProtobufDoes() throws InvalidProtocolBufferException {
        assertSameAsProtobuf(1, 1_764_583_200_123_456_789L, "wf-1", "TASK-1", LogEntry.Source.STDOUT, "hello", false);
        assertSameAsProtobuf(127, 1, "", "", LogEntry.Source.STDERR, "", true);
        assertSameAsProtobuf(128, 0, "wf", "", LogEntry.Source.STDOUT, "x".repeat(300), false);
        assertSameAsProtobuf(Long.MAX_VALUE, -5, "wf", "t", LogEntry.Source.STDOUT, "négatif ✓ 🎉 \u0000 end", true);
        assertSameAsProtobuf(-1L, Long.MIN_VALUE, "é", "日本", LogEntry.Source.STDERR, "y".repeat(70_000), false);
        // An unpaired surrogate: protobuf falls back to String.getBytes as well, writing '?'.
        assertSameAsProtobuf(42, 42, "wf", "t", LogEntry.Source.STDOUT, "bad \uD800 surrogate", false);
    }

    @Test
    void readsTheSequenceFromTheFirstFieldAndParsesAnythingElse() throws InvalidProtocolBufferException {
        byte[] line = EntryEncoding.line(300, 7, bytes("wf"), bytes("t"), LogEntry.Source.STDOUT, bytes("m"), false);
        byte[] framed = new byte[line.length + 5];
        System.arraycopy(line, 0, framed, 3, line.length);
        assertThat(EntryEncoding.sequence(framed, 3, line.length)).isEqualTo(300);

        byte[] gap = LogEntry.newBuilder().setSequence(9_000_000_000L).setSource(LogEntry.Source.WORKER)
                .setGap(Gap.newBuilder().setDroppedLines(3)).build().toByteArray();
        assertThat(EntryEncoding.sequence(gap, 0, gap.length)).isEqualTo(9_000_000_000L);
        byte[] noSequence = LogEntry.newBuilder().setMessage("m").build().toByteArray();
        assertThat(EntryEncoding.sequence(noSequence, 0, noSequence.length)).isZero();
    }

    @Test
    void varintSizesMatchWhatIsWritten() {
        long[] values = {0, 1, 127, 128, 16_383, 16_384, Integer.MAX_VALUE, 1L << 35, Long.MAX_VALUE, -1};
        for (long value : values) {
            byte[] out = new byte[10];
            assertThat(EntryEncoding.writeVarint(out, 0, value)).as("size of %d", value).isEqualTo(EntryEncoding.varintSize(value));
        }
    }

    private static void assertSameAsProtobuf(long sequence, long timestamp, String workflow, String task,
                                             LogEntry.Source source, String message, boolean partial) throws InvalidProtocolBufferException {
        LogEntry expected = LogEntry.newBuilder()
                .setSequence(sequence).setTimestampUnixNanos(timestamp)
                .setWorkflowId(workflow).setTaskId(task).setSource(source).setMessage(message).setPartial(partial)
                .build();
        byte[] actual = EntryEncoding.line(sequence, timestamp, bytes(workflow), bytes(task), source, bytes(message), partial);
        assertThat(actual).isEqualTo(expected.toByteArray());
        assertThat(LogEntry.parseFrom(actual)).isEqualTo(LogEntry.parseFrom(expected.toByteArray()));
        assertThat(EntryEncoding.sequence(actual, 0, actual.length)).isEqualTo(sequence);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
