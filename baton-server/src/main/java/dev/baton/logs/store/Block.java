package dev.baton.logs.store;

import java.nio.ByteBuffer;

/**
 * One entry of a segment's sparse index: a run of records starting at a RESET record, with its offsets, byte
 * range and time range. Readers seek by offset (binary search on {@code lastOffset}) and skip whole blocks
 * outside a time window; timestamps come from many workers' clocks, so a block keeps its min and max.
 */
record Block(long firstOffset, long lastOffset, long start, long end, long minTs, long maxTs) {
    static final int BYTES = 48;

    void writeTo(ByteBuffer b) {
        b.putLong(firstOffset).putLong(lastOffset).putLong(start).putLong(end).putLong(minTs).putLong(maxTs);
    }

    static Block readFrom(ByteBuffer b) {
        return new Block(b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong());
    }

    /** Whether this block follows {@code previous} without a hole, as a sound index does. */
    boolean follows(Block previous) {
        boolean selfOk = lastOffset >= firstOffset && end > start && maxTs >= minTs;
        if (previous == null) return selfOk && start == 0;
        return selfOk && start == previous.end && firstOffset == previous.lastOffset + 1;
    }
}
