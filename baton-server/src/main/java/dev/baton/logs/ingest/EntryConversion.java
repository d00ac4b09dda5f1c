package dev.baton.logs.ingest;

import com.google.protobuf.UnsafeByteOperations;
import dev.baton.logs.store.AppendBatch;
import dev.baton.logs.store.LineText;
import dev.baton.logs.store.LogLevel;
import dev.baton.logs.store.LogSource;
import dev.baton.logs.store.NewLine;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a call's entries (logs.proto {@code LogEntry}, field numbers below) from the wire bytes into store
 * lines, checking what the store relies on; errors name the entry. Texts stay slices of the message; an id
 * equal to the previous entry's reuses its string, so a batch of one task's lines makes no string per line.
 */
final class EntryConversion {
    private static final int SEQUENCE = 1;
    private static final int TIMESTAMP = 2;
    private static final int WORKER_ID = 3;
    private static final int TASK_ID = 4;
    private static final int WORKFLOW_ID = 5;
    private static final int LEVEL = 6;
    private static final int SOURCE = 7;
    private static final int MESSAGE = 8;
    private static final int METADATA = 9;
    private static final int GAP = 10;
    private static final int PARTIAL = 11;

    private EntryConversion() {
    }

    /**
     * @param metadata the hello's metadata: entries without their own share this very map (stored once per block)
     */
    static AppendBatch batch(String workerId, String streamId, Map<String, String> metadata, WireBatch wire, Clock clock) {
        byte[] b = wire.bytes();
        byte[] worker = workerId.getBytes(StandardCharsets.UTF_8);
        List<NewLine> lines = new ArrayList<>(wire.entryCount());
        RepeatedText tasks = new RepeatedText(b);
        RepeatedText workflows = new RepeatedText(b);
        long previous = 0;
        for (int i = 0; i < wire.entryCount(); i++) {
            WireReader in = new WireReader(b, wire.entryStarts()[i], wire.entryEnds()[i]);
            long seq = 0;
            long ts = 0;
            int level = 0;
            int source = 0;
            boolean partial = false;
            long droppedLines = 0;
            long droppedBytes = 0;
            String task = "";
            String workflow = "";
            LineText message = LineText.EMPTY;
            Map<String, String> meta = metadata;
            try {
                while (in.more()) {
                    int tag = in.tag();
                    int field = tag >>> 3;
                    boolean varint = (tag & 7) == WireReader.VARINT;
                    boolean bytes = (tag & 7) == WireReader.LENGTH_DELIMITED;
                    if (field == SEQUENCE && varint) seq = in.varint("sequence");
                    else if (field == TIMESTAMP && varint) ts = in.varint("timestamp_unix_nanos");
                    else if (field == LEVEL && varint) level = (int) in.varint("level");
                    else if (field == SOURCE && varint) source = (int) in.varint("source");
                    else if (field == PARTIAL && varint) partial = in.varint("partial") != 0;
                    else if (field == MESSAGE && bytes) {
                        int len = in.length("message");
                        int at = in.position();
                        if (!validUtf8(b, at, len)) throw invalid("entries[" + i + "].message is not valid UTF-8");
                        message = LineText.ofValidUtf8(b, at, len);
                        in.skipBytes(len);
                    } else if (field == TASK_ID && bytes) {
                        task = tasks.read(in, i, "task_id");
                    } else if (field == WORKFLOW_ID && bytes) {
                        workflow = workflows.read(in, i, "workflow_id");
                    } else if (field == WORKER_ID && bytes) {
                        int len = in.length("worker_id");
                        int at = in.position();
                        in.skipBytes(len);
                        if (len > 0 && !Arrays.equals(b, at, at + len, worker, 0, worker.length)) {
                            throw Status.PERMISSION_DENIED.withDescription("entries[" + i + "].worker_id '" + text(b, at, len)
                                    + "' is not this stream's worker '" + workerId + "'").asRuntimeException();
                        }
                    } else if (field == METADATA && bytes) {
                        if (meta == metadata) meta = new HashMap<>(metadata);
                        readMetadataEntry(in, b, meta, i);
                    } else if (field == GAP && bytes) {
                        int length = in.length("gap");
                        int end = in.position() + length;
                        WireReader gap = new WireReader(b, in.position(), end);
                        while (gap.more()) {
                            int t = gap.tag();
                            if (t == (1 << 3 | WireReader.VARINT)) droppedLines = gap.varint("gap.dropped_lines");
                            else if (t == (2 << 3 | WireReader.VARINT)) droppedBytes = gap.varint("gap.dropped_bytes");
                            else gap.skipField(t, "Gap");
                        }
                        in.skipBytes(end - in.position());
                    } else {
                        in.skipField(tag, "LogEntry");
                    }
                }
            } catch (WireReader.Malformed e) {
                throw invalid("entries[" + i + "] is not a valid LogEntry: " + e.getMessage());
            }
            if (seq < 1) throw invalid("entries[" + i + "].sequence must be at least 1, was " + Long.toUnsignedString(seq));
            if (seq <= previous) {
                throw invalid("entries[" + i + "].sequence " + seq + " does not ascend (the entry before has " + previous + ")");
            }
            previous = seq;
            if (ts == 0) ts = clock.millis() * 1_000_000L;
            lines.add(new NewLine(seq, ts, task, workflow, LogLevel.ofCode(level), LogSource.ofCode(source), message, meta, partial,
                    droppedLines, droppedBytes));
        }
        return new AppendBatch(workerId, streamId, lines);
    }

    private static void readMetadataEntry(WireReader in, byte[] b, Map<String, String> meta, int entry) {
        int length = in.length("metadata");
        int end = in.position() + length;
        WireReader kv = new WireReader(b, in.position(), end);
        String key = "";
        String value = "";
        while (kv.more()) {
            int t = kv.tag();
            if (t == (1 << 3 | WireReader.LENGTH_DELIMITED) || t == (2 << 3 | WireReader.LENGTH_DELIMITED)) {
                int len = kv.length("metadata");
                int at = kv.position();
                if (!validUtf8(b, at, len)) throw invalid("entries[" + entry + "].metadata is not valid UTF-8");
                if (t >>> 3 == 1) key = text(b, at, len);
                else value = text(b, at, len);
                kv.skipBytes(len);
            } else {
                kv.skipField(t, "metadata entry");
            }
        }
        meta.put(key, value);
        in.skipBytes(end - in.position());
    }

    /** The last id read and its string: entries of one batch nearly always repeat the task and workflow. */
    private static final class RepeatedText {
        private final byte[] b;
        private int at = -1;
        private int len;
        private String text = "";

        RepeatedText(byte[] b) {
            this.b = b;
        }

        /** The field's name is only put together for an error: this runs for every entry. */
        String read(WireReader in, int entry, String field) {
            int n = in.length(field);
            int from = in.position();
            in.skipBytes(n);
            if (at >= 0 && n == len && Arrays.equals(b, from, from + n, b, at, at + len)) return text;
            if (!validUtf8(b, from, n)) throw invalid("entries[" + entry + "]." + field + " is not valid UTF-8");
            at = from;
            len = n;
            text = text(b, from, n);
            return text;
        }
    }

    private static String text(byte[] b, int at, int len) {
        return new String(b, at, len, StandardCharsets.UTF_8);
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    /** ASCII (nearly every log line) checked 8 bytes at a time; anything else by protobuf's own check, as its parser would. */
    static boolean validUtf8(byte[] b, int at, int len) {
        int end = at + len;
        int i = at;
        for (; i + 8 <= end; i += 8) {
            if (((long) LONGS.get(b, i) & HIGH_BITS) != 0) return UnsafeByteOperations.unsafeWrap(b, i, end - i).isValidUtf8();
        }
        for (; i < end; i++) {
            if (b[i] < 0) return UnsafeByteOperations.unsafeWrap(b, i, end - i).isValidUtf8();
        }
        return true;
    }

    static StatusRuntimeException invalid(String why) {
        return Status.INVALID_ARGUMENT.withDescription(why).asRuntimeException();
    }
}
