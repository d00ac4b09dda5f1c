package dev.baton.logs.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Reads records of one segment file sequentially, from a record start up to a byte limit, with large reads
 * into a reused array. A record that does not fit before the limit, or whose CRC does not match, ends the
 * scan: {@link #torn()} then tells recovery where the valid data stops.
 */
final class SegmentReader {
    private final FileChannel channel;
    private final long limit;
    private final CRC32C crc = new CRC32C();
    private byte[] buf;
    private long bufFilePos; // file position of buf[0]
    private int bufLen;
    private int p; // next record in buf
    private boolean torn;

    SegmentReader(FileChannel channel, long start, long limit, int bufferBytes) {
        this.channel = channel;
        this.limit = limit;
        this.buf = new byte[bufferBytes];
        this.bufFilePos = start;
    }

    /** File position of the next record (after the last one returned). */
    long position() {
        return bufFilePos + p;
    }

    /** True when the scan stopped at an incomplete or corrupt record before the limit. */
    boolean torn() {
        return torn;
    }

    /** Moves to the record starting at {@code position} (a block start), dropping the decoder's context. */
    void seek(long position) {
        bufFilePos = position;
        bufLen = 0;
        p = 0;
    }

    /** Decodes the next record into {@code d}; false at the limit or at a torn/corrupt record. */
    boolean next(RecordDecoder d) throws IOException {
        long at = position();
        if (at >= limit) return false;
        if (!available(Records.HEADER)) return tear();
        int body = Records.intLE(buf, p);
        int expected = Records.intLE(buf, p + 4);
        if (body <= 2 || body > Records.MAX_BODY || at + Records.HEADER + body > limit) return tear();
        if (!available(Records.HEADER + body)) return tear();
        crc.reset();
        crc.update(buf, p + Records.HEADER, body);
        if ((int) crc.getValue() != expected) return tear();
        try {
            d.decode(buf, p + Records.HEADER, body);
        } catch (RuntimeException e) {
            return tear();
        }
        p += Records.HEADER + body;
        return true;
    }

    private boolean tear() {
        torn = true;
        return false;
    }

    /** Makes sure {@code n} bytes from p are in the buffer, reading more of the file if needed. */
    private boolean available(int n) throws IOException {
        if (p + n <= bufLen) return true;
        long filePos = bufFilePos + p;
        if (filePos + n > limit) return false;
        int remaining = bufLen - p;
        if (n > buf.length) {
            byte[] bigger = new byte[Math.max(n, buf.length * 2)];
            System.arraycopy(buf, p, bigger, 0, remaining);
            buf = bigger;
        } else {
            System.arraycopy(buf, p, buf, 0, remaining);
        }
        bufFilePos = filePos;
        p = 0;
        bufLen = remaining;
        ByteBuffer bb = ByteBuffer.wrap(buf, bufLen, (int) Math.min(buf.length - bufLen, limit - (bufFilePos + bufLen)));
        while (bufLen < n) {
            int r = channel.read(bb, bufFilePos + bufLen);
            if (r < 0) return false;
            bufLen += r;
            if (r == 0 && !bb.hasRemaining()) return false;
        }
        return true;
    }
}
