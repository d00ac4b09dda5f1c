package dev.baton.logs.store;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes record bodies written by {@link RecordEncoder}, keeping the "previous record" context. The cheap
 * fields are decoded first so that filters can reject a record before its message becomes a String.
 */
final class RecordDecoder {
    // context carried from record to record (reset by a RESET record)
    String worker = "";
    String stream = "";
    String task = "";
    String workflow = "";
    Map<String, String> metadata = Map.of();
    private long prevTs;

    // the current record
    int flags;
    LogLevel level;
    LogSource source;
    long offset;
    long sequence;
    long timestampNanos;
    long droppedLines;
    long droppedBytes;
    private byte[] src;
    private int messageStart;
    private int messageLength;
    private int p;

    /** Decodes the body at {@code b[start, start + length)}; throws IllegalStateException when it is malformed. */
    void decode(byte[] b, int start, int length) {
        src = b;
        p = start;
        int end = start + length;
        flags = b[p++] & 0xff;
        int ls = b[p++] & 0xff;
        level = LogLevel.ofCode(ls & 0x0f);
        source = LogSource.ofCode(ls >>> 4);
        offset = varLong();
        sequence = varLong();
        long z = varLong();
        long delta = (z >>> 1) ^ -(z & 1);
        if ((flags & Records.RESET) != 0) prevTs = 0;
        timestampNanos = prevTs + delta;
        prevTs = timestampNanos;
        if ((flags & Records.WORKER) != 0) worker = string();
        if ((flags & Records.STREAM) != 0) stream = string();
        if ((flags & Records.TASK) != 0) task = string();
        if ((flags & Records.WORKFLOW) != 0) workflow = string();
        if ((flags & Records.METADATA) != 0) {
            int n = (int) varLong();
            if (n == 0) {
                metadata = Map.of();
            } else {
                Map<String, String> m = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) m.put(string(), string());
                metadata = java.util.Collections.unmodifiableMap(m);
            }
        }
        if ((flags & Records.GAP) != 0) {
            droppedLines = varLong();
            droppedBytes = varLong();
        } else {
            droppedLines = 0;
            droppedBytes = 0;
        }
        messageLength = (int) varLong();
        messageStart = p;
        if (messageStart + messageLength != end) {
            throw new IllegalStateException("record at offset " + offset + " has " + (end - messageStart) + " message bytes, expected " + messageLength);
        }
    }

    boolean partial() {
        return (flags & Records.PARTIAL) != 0;
    }

    String message() {
        return new String(src, messageStart, messageLength, StandardCharsets.UTF_8);
    }

    LogLine line() {
        LogLine.Gap gap = (flags & Records.GAP) != 0 ? new LogLine.Gap(droppedLines, droppedBytes) : null;
        return new LogLine(offset, Records.instant(timestampNanos), worker, task, workflow, level, source, message(), metadata, partial(), gap);
    }

    private long varLong() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte x = src[p++];
            v |= (long) (x & 0x7f) << shift;
            if (x >= 0) return v;
        }
        throw new IllegalStateException("varint longer than 10 bytes");
    }

    private String string() {
        int n = (int) varLong();
        String s = new String(src, p, n, StandardCharsets.UTF_8);
        p += n;
        return s;
    }
}
