package dev.baton.worker.logs;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Arrays;

/**
 * A forward read position in one data segment, kept between batches so a long backlog is read once, not
 * rescanned for every batch. Reads only the records the segment counts, so a file still being appended to
 * (flushed first) is never read past its last whole record.
 *
 * <p>Records are not parsed: {@link #next()} frames one (varint length, then the entry's bytes) in the read
 * buffer, and the caller copies it out from {@link #buffer()} at {@link #offset()}, {@link #length()} bytes.
 * The entries were checked when they were written (this run) or when the file was restored (an earlier run).
 */
final class SegmentCursor implements AutoCloseable {
    private static final int READ_BUFFER_BYTES = 64 * 1024;

    final SpoolSegment segment;
    private final InputStream in;
    private byte[] buf = new byte[READ_BUFFER_BYTES];
    private int pos;
    private int limit;
    private long read;
    private long lastReadSequence;
    private int recordOffset;
    private int recordLength;

    SegmentCursor(SpoolSegment segment) throws IOException {
        this.segment = segment;
        this.in = Files.newInputStream(segment.file);
        this.lastReadSequence = segment.firstSequence - 1;
    }

    /** True when this cursor has not yet passed {@code sequence}, so reading on reaches it. */
    boolean canReach(SpoolSegment of, long sequence) {
        return of == segment && lastReadSequence < sequence;
    }

    boolean hasNext() {
        return read < segment.count;
    }

    /** Frames the next record in the buffer and returns its entry's sequence. */
    long next() throws IOException {
        int length = readLength();
        if (length < 0) throw new IOException("spill file " + segment.file + " has a negative record length after " + read + " records");
        require(length);
        recordOffset = pos;
        recordLength = length;
        pos += length;
        long sequence = EntryEncoding.sequence(buf, recordOffset, recordLength);
        read++;
        lastReadSequence = sequence;
        return sequence;
    }

    /** The buffer holding the record {@link #next()} framed; valid until the next call. */
    byte[] buffer() {
        return buf;
    }

    int offset() {
        return recordOffset;
    }

    int length() {
        return recordLength;
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

    private int readLength() throws IOException {
        int value = 0;
        for (int shift = 0; shift < 32; shift += 7) {
            require(1);
            byte b = buf[pos++];
            value |= (b & 0x7f) << shift;
            if (b >= 0) return value;
        }
        throw new IOException("spill file " + segment.file + " has a malformed record length after " + read + " records");
    }

    /** Makes {@code n} unread bytes available at {@code pos}, reading more of the file (and growing the buffer for a long record). */
    private void require(int n) throws IOException {
        if (limit - pos >= n) return;
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (n > buf.length) buf = Arrays.copyOf(buf, n);
        while (limit < n) {
            int got = in.read(buf, limit, buf.length - limit);
            if (got < 0) {
                throw new EOFException("spill file " + segment.file + " ends after " + read + " of " + segment.count + " records");
            }
            limit += got;
        }
    }
}
