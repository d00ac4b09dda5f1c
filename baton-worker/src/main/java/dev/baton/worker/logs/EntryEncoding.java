package dev.baton.worker.logs;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.baton.grpc.v1.LogEntry;

import java.nio.ByteBuffer;

/**
 * The protobuf wire format of a {@link LogEntry} for an agent line, written by hand: the spool serializes each
 * line exactly once, here, and from then on memory, spill files and the network only move these bytes
 * (building a message object per line and serializing it again was the worker's largest cost per line).
 *
 * <p>Fields are written in field-number order and defaults are left out, as protobuf does, so the bytes equal
 * {@code LogEntry.toByteArray()} of the same entry. Strings are UTF-8 by {@link String#getBytes}: an unpaired
 * surrogate becomes {@code '?'}, which is what protobuf falls back to as well.
 */
final class EntryEncoding {
    /** LogEntry field 1 (sequence), varint: always the first field, so a reader finds it without parsing. */
    static final int SEQUENCE_TAG = 1 << 3;
    /** LogBatch field 2 (entries), length-delimited: a batch is this tag, the length and the entry, per entry. */
    static final int BATCH_ENTRY_TAG = 2 << 3 | 2;
    private static final int TIMESTAMP_TAG = 2 << 3;
    private static final int TASK_ID_TAG = 4 << 3 | 2;
    private static final int WORKFLOW_ID_TAG = 5 << 3 | 2;
    private static final int SOURCE_TAG = 7 << 3;
    private static final int MESSAGE_TAG = 8 << 3 | 2;
    private static final int PARTIAL_TAG = 11 << 3;

    private EntryEncoding() {
    }

    /** One agent line as LogEntry bytes; the strings are already UTF-8 (converted outside the spool's lock). */
    static byte[] line(long sequence, long timestampNanos, byte[] workflowId, byte[] taskId, LogEntry.Source source,
                       byte[] message, boolean partial) {
        int sourceNumber = source.getNumber();
        int size = (sequence == 0 ? 0 : 1 + varintSize(sequence))
                + (timestampNanos == 0 ? 0 : 1 + varintSize(timestampNanos))
                + bytesFieldSize(taskId) + bytesFieldSize(workflowId)
                + (sourceNumber == 0 ? 0 : 1 + varintSize(sourceNumber))
                + bytesFieldSize(message)
                + (partial ? 2 : 0);
        byte[] out = new byte[size];
        int pos = 0;
        if (sequence != 0) {
            out[pos++] = SEQUENCE_TAG;
            pos = writeVarint(out, pos, sequence);
        }
        if (timestampNanos != 0) {
            out[pos++] = TIMESTAMP_TAG;
            pos = writeVarint(out, pos, timestampNanos);
        }
        pos = writeBytesField(out, pos, TASK_ID_TAG, taskId);
        pos = writeBytesField(out, pos, WORKFLOW_ID_TAG, workflowId);
        if (sourceNumber != 0) {
            out[pos++] = SOURCE_TAG;
            pos = writeVarint(out, pos, sourceNumber);
        }
        pos = writeBytesField(out, pos, MESSAGE_TAG, message);
        if (partial) {
            out[pos++] = PARTIAL_TAG;
            out[pos++] = 1;
        }
        assert pos == size;
        return out;
    }

    /**
     * The sequence of the entry in {@code buf[offset, offset+length)}: read straight from its first field, which
     * is where every writer of LogEntry puts it; anything else is parsed in full.
     */
    static long sequence(byte[] buf, int offset, int length) throws InvalidProtocolBufferException {
        if (length > 1 && buf[offset] == SEQUENCE_TAG) {
            long value = 0;
            int end = offset + Math.min(length, 11);
            for (int i = offset + 1, shift = 0; i < end; i++, shift += 7) {
                byte b = buf[i];
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) return value;
            }
        }
        return LogEntry.parseFrom(ByteBuffer.wrap(buf, offset, length)).getSequence();
    }

    static int varintSize(long value) {
        // 1 byte per 7 bits, at least one: 64 - nlz bits, rounded up to 7s (same as protobuf's computation).
        return 1 + (63 - Long.numberOfLeadingZeros(value | 1)) / 7;
    }

    /** Writes {@code value} as an unsigned varint at {@code pos}; returns the position after it. */
    static int writeVarint(byte[] out, int pos, long value) {
        while ((value & ~0x7fL) != 0) {
            out[pos++] = (byte) ((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out[pos++] = (byte) value;
        return pos;
    }

    private static int bytesFieldSize(byte[] value) {
        return value.length == 0 ? 0 : 1 + varintSize(value.length) + value.length;
    }

    private static int writeBytesField(byte[] out, int pos, int tag, byte[] value) {
        if (value.length == 0) return pos;
        out[pos++] = (byte) tag;
        pos = writeVarint(out, pos, value.length);
        System.arraycopy(value, 0, out, pos, value.length);
        return pos + value.length;
    }
}
