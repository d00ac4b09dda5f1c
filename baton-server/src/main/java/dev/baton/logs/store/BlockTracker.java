package dev.baton.logs.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Cuts the segment being written (or rebuilt by recovery) into index blocks of about {@code blockBytes}: a
 * block may only start at a RESET record, so the writer asks {@link #startsBlockAt} before encoding.
 */
final class BlockTracker {
    private final Segment segment;
    private final long blockBytes;
    private final ByteBuffer pending = ByteBuffer.allocate(Block.BYTES * 256).order(ByteOrder.BIG_ENDIAN);
    private boolean open;
    private long first;
    private long last;
    private long start;
    private long minTs;
    private long maxTs;

    BlockTracker(Segment segment, long blockBytes) {
        this.segment = segment;
        this.blockBytes = blockBytes;
    }

    /**
     * Called by the writer before a record at {@code position}: closes a full block, and answers whether the
     * record opens a new one (then it must be a RESET record).
     */
    boolean startsBlockAt(long position, FileChannel index) throws IOException {
        if (open && position - start >= blockBytes) close(position, index);
        return !open;
    }

    /** Recovery: a RESET record read at {@code position} may start a block when the current one is full. */
    void resetRecordAt(long position, FileChannel index) throws IOException {
        if (open && position - start >= blockBytes) close(position, index);
    }

    void record(long offset, long position, long ts) {
        if (!open) {
            open = true;
            first = offset;
            start = position;
            minTs = ts;
            maxTs = ts;
        } else {
            minTs = Math.min(minTs, ts);
            maxTs = Math.max(maxTs, ts);
        }
        last = offset;
    }

    boolean isOpen() {
        return open;
    }

    /** Ends the open block at {@code end} (a segment roll or a full block) and queues its index entry. */
    void close(long end, FileChannel index) throws IOException {
        if (!open) return;
        Block b = new Block(first, last, start, end, minTs, maxTs);
        segment.addBlock(b);
        if (pending.remaining() < Block.BYTES) flush(index);
        b.writeTo(pending);
        open = false;
    }

    /** Writes the queued index entries (the index is not fsynced per group: recovery rebuilds a lost tail). */
    void flush(FileChannel index) throws IOException {
        if (pending.position() == 0) return;
        pending.flip();
        while (pending.hasRemaining()) index.write(pending);
        pending.clear();
    }
}
