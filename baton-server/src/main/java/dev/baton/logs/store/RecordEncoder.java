package dev.baton.logs.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Encodes records of one log into a reused byte array (the writer thread's only buffer for that log), with the
 * "same as previous" compression of {@link Records}. Not thread-safe: the writer thread owns it.
 */
final class RecordEncoder {
    private byte[] buf = new byte[256 * 1024];
    private int pos;
    private final CRC32C crc = new CRC32C();

    private boolean reset = true;
    private String prevWorker;
    private String prevStream;
    private String prevTask;
    private String prevWorkflow;
    private Map<String, String> prevMetadata;
    private long prevTs;

    /** The next record carries every field: called at block starts and group starts. */
    void reset() {
        reset = true;
    }

    int size() {
        return pos;
    }

    byte[] array() {
        return buf;
    }

    void clear() {
        pos = 0;
    }

    /** Appends one record; returns its encoded length. */
    int encode(long offset, String worker, String stream, NewLine line) {
        String task = line.taskId();
        String workflow = line.workflowId();
        Map<String, String> metadata = line.metadata();
        LineText message = line.message();
        int flags;
        long prev;
        if (reset) {
            flags = Records.RESET | Records.ALL_FIELDS;
            prev = 0;
        } else {
            flags = 0;
            prev = prevTs;
            if (!same(worker, prevWorker)) flags |= Records.WORKER;
            if (!same(stream, prevStream)) flags |= Records.STREAM;
            if (!same(task, prevTask)) flags |= Records.TASK;
            if (!same(workflow, prevWorkflow)) flags |= Records.WORKFLOW;
            if (metadata != prevMetadata && !Objects.equals(metadata, prevMetadata)) flags |= Records.METADATA;
        }
        if (line.partial()) flags |= Records.PARTIAL;
        if (line.isGap()) flags |= Records.GAP;

        int estimate = 64 + message.utf8Length();
        if ((flags & Records.ALL_FIELDS) != 0) {
            estimate += 3 * (worker.length() + stream.length() + task.length() + workflow.length()) + 20;
            for (var e : metadata.entrySet()) estimate += 3 * (e.getKey().length() + e.getValue().length()) + 10;
        }
        ensure(estimate);
        int start = pos;
        pos += Records.HEADER;
        buf[pos++] = (byte) flags;
        buf[pos++] = (byte) (line.level().code() | line.source().code() << 4);
        putVarLong(offset);
        putVarLong(line.sequence());
        long delta = line.timestampNanos() - prev;
        putVarLong((delta << 1) ^ (delta >> 63));
        if ((flags & Records.WORKER) != 0) putString(worker);
        if ((flags & Records.STREAM) != 0) putString(stream);
        if ((flags & Records.TASK) != 0) putString(task);
        if ((flags & Records.WORKFLOW) != 0) putString(workflow);
        if ((flags & Records.METADATA) != 0) {
            putVarLong(metadata.size());
            for (var e : metadata.entrySet()) {
                putString(e.getKey());
                putString(e.getValue());
            }
        }
        if ((flags & Records.GAP) != 0) {
            putVarLong(line.droppedLines());
            putVarLong(line.droppedBytes());
        }
        ensure(5 + message.utf8Length());
        putVarLong(message.utf8Length());
        message.copyTo(buf, pos);
        pos += message.utf8Length();
        int body = pos - start - Records.HEADER;
        crc.reset();
        crc.update(buf, start + Records.HEADER, body);
        Records.putIntLE(buf, start, body);
        Records.putIntLE(buf, start + 4, (int) crc.getValue());

        reset = false;
        prevWorker = worker;
        prevStream = stream;
        prevTask = task;
        prevWorkflow = workflow;
        prevMetadata = metadata;
        prevTs = line.timestampNanos();
        return pos - start;
    }

    private static boolean same(String a, String b) {
        return a == b || a.equals(b);
    }

    private void ensure(int more) {
        if (pos + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
    }

    private void putVarLong(long v) {
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    /**
     * Length-prefixed UTF-8. The JDK's encoder copies a Latin-1 string with an intrinsic (a byte copy after a
     * vectorised ASCII check): far cheaper than a per-char loop, for one short-lived array.
     */
    private void putString(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        ensure(utf8.length + 5);
        putVarLong(utf8.length);
        System.arraycopy(utf8, 0, buf, pos, utf8.length);
        pos += utf8.length;
    }
}
