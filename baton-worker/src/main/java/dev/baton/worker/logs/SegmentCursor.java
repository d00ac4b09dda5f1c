package dev.baton.worker.logs;

import dev.baton.grpc.v1.LogEntry;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;

/**
 * A forward read position in one data segment, kept between batches so a long backlog is read once, not
 * rescanned for every batch. Reads only the records the segment counts, so a file still being appended to
 * (flushed first) is never read past its last whole record.
 */
final class SegmentCursor implements AutoCloseable {
    final SpoolSegment segment;
    private final InputStream in;
    private long read;
    private long lastReadSequence;

    SegmentCursor(SpoolSegment segment) throws IOException {
        this.segment = segment;
        this.in = new BufferedInputStream(Files.newInputStream(segment.file), 64 * 1024);
        this.lastReadSequence = segment.firstSequence - 1;
    }

    /** True when this cursor has not yet passed {@code sequence}, so reading on reaches it. */
    boolean canReach(SpoolSegment of, long sequence) {
        return of == segment && lastReadSequence < sequence;
    }

    boolean hasNext() {
        return read < segment.count;
    }

    LogEntry next() throws IOException {
        LogEntry entry = LogEntry.parseDelimitedFrom(in);
        if (entry == null) {
            throw new EOFException("spill file " + segment.file + " ends after " + read + " of " + segment.count + " records");
        }
        read++;
        lastReadSequence = entry.getSequence();
        return entry;
    }

    /** Records in the segment this cursor has not read. */
    long remaining() {
        return segment.count - read;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // read-only: nothing to lose
        }
    }
}
