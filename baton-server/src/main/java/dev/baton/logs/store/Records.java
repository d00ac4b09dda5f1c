package dev.baton.logs.store;

import java.time.Instant;

/**
 * The on-disk record format, shared by {@link RecordEncoder} and {@link RecordDecoder}:
 * <pre>
 * u32 LE  body length
 * u32 LE  CRC32C of the body (a torn or garbage tail fails it)
 * body:   u8 flags, u8 level | source &lt;&lt; 4, varint offset, varint sequence, varint zigzag(timestamp - previous),
 *         [worker] [stream] [task] [workflow] [metadata: count, key, value…] [gap: lines, bytes], message
 * </pre>
 * Strings are a varint byte length and UTF-8. A bracketed field is present only when its flag says so; an absent
 * one equals the previous record's. A {@link #RESET} record carries every field and a timestamp relative to 0:
 * every block (the unit the index points at) and every group commit starts with one, so a reader can start
 * decoding at any block start or checkpointed length.
 */
final class Records {
    static final int HEADER = 8;
    static final int MAX_BODY = 64 * 1024 * 1024;

    static final int PARTIAL = 0x01;
    static final int GAP = 0x02;
    static final int WORKER = 0x04;
    static final int STREAM = 0x08;
    static final int TASK = 0x10;
    static final int WORKFLOW = 0x20;
    static final int METADATA = 0x40;
    static final int RESET = 0x80;
    static final int ALL_FIELDS = WORKER | STREAM | TASK | WORKFLOW | METADATA;

    private Records() {
    }

    static long nanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    static int intLE(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
    }

    static void putIntLE(byte[] b, int p, int v) {
        b[p] = (byte) v;
        b[p + 1] = (byte) (v >>> 8);
        b[p + 2] = (byte) (v >>> 16);
        b[p + 3] = (byte) (v >>> 24);
    }
}
