package dev.baton.worker.logs;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.baton.grpc.v1.LogBatch;
import dev.baton.grpc.v1.LogEntry;

import java.util.Arrays;
import java.util.List;

/**
 * Entries read from the spool for one message, already in the wire format of a {@link LogBatch} with only
 * {@code entries} set ({@code 0x12 varint(length) entry} per entry), so the shipper sends them as they are.
 *
 * @param bytes        the serialized LogBatch
 * @param entries      how many entries it holds
 * @param lastSequence the sequence of its last entry (0 when empty)
 */
record SpoolBatch(byte[] bytes, int entries, long lastSequence) {
    static final SpoolBatch EMPTY = new SpoolBatch(new byte[0], 0, 0);

    boolean isEmpty() {
        return entries == 0;
    }

    /** Parses the entries back (tests, and nothing on the hot path). */
    List<LogEntry> parse() {
        try {
            return LogBatch.parseFrom(bytes).getEntriesList();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("the spool built a batch that does not parse: " + e.getMessage(), e);
        }
    }

    /**
     * Collects entries into one growing byte array: each is copied in once, from memory or from a spill file.
     * Reusable ({@link #reset}), so the array grows to the batch size once, not for every batch.
     */
    static final class Builder {
        private byte[] buf = new byte[8 * 1024];
        private int size;
        private int entries;
        private long lastSequence;
        private long entryBytes;

        Builder reset() {
            size = 0;
            entries = 0;
            lastSequence = 0;
            entryBytes = 0;
            return this;
        }

        void add(long sequence, byte[] entry) {
            add(sequence, entry, 0, entry.length);
        }

        void add(long sequence, byte[] src, int offset, int length) {
            int needed = size + 1 + EntryEncoding.varintSize(length) + length;
            if (needed > buf.length) buf = Arrays.copyOf(buf, Math.max(needed, buf.length * 2));
            buf[size++] = EntryEncoding.BATCH_ENTRY_TAG;
            size = EntryEncoding.writeVarint(buf, size, length);
            System.arraycopy(src, offset, buf, size, length);
            size += length;
            entries++;
            entryBytes += length;
            lastSequence = sequence;
        }

        int entries() {
            return entries;
        }

        /** Bytes of the entries themselves (what the batch size limit counts). */
        long entryBytes() {
            return entryBytes;
        }

        SpoolBatch build() {
            return entries == 0 ? EMPTY : new SpoolBatch(Arrays.copyOf(buf, size), entries, lastSequence);
        }
    }
}
