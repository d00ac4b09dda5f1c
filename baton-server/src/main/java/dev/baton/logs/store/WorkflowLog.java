package dev.baton.logs.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The log of one workflow (or of one worker's lines outside workflows): its segments, the writer's state for
 * the segment being written, and the live subscribers. Fields marked "writer" are touched only by the
 * writer thread (and by recovery before it starts).
 */
final class WorkflowLog {
    final String key;
    final Path dir;
    final CopyOnWriteArrayList<Segment> segments = new CopyOnWriteArrayList<>();
    /** Highest offset durably stored (0: none); readers and subscribers never go beyond it. */
    volatile long durableEnd;
    volatile boolean hasSubscribers;
    private final List<LiveSubscription> subscribers = new ArrayList<>();

    // writer
    long nextOffset = 1;
    private FileChannel channel;
    private FileChannel indexChannel;
    private BlockTracker blocks;
    private long written; // bytes of the active segment written to the channel
    final RecordEncoder encoder = new RecordEncoder();
    final List<LogLine> live = new ArrayList<>();
    boolean dirty;

    WorkflowLog(String key, Path dir) {
        this.key = key;
        this.dir = dir;
    }

    Segment active() {
        return segments.isEmpty() ? null : segments.getLast();
    }

    /** Recovery hands over the last segment, its valid length and its open block. */
    void resume(long validLength, BlockTracker openBlock, long lastOffset) {
        this.written = validLength;
        this.blocks = openBlock;
        this.nextOffset = lastOffset + 1;
        this.durableEnd = lastOffset;
        active().durableLength = validLength;
    }

    /** Writer: the byte position the next record will have in the active segment. */
    long position() {
        return written + encoder.size();
    }

    /** Writer: opens the files on the first write after start (or creates the first segment). */
    void ensureWritable() throws IOException {
        if (channel != null) return;
        if (segments.isEmpty()) {
            Files.createDirectories(dir);
            segments.add(new Segment(dir, nextOffset));
            written = 0;
        }
        Segment s = active();
        channel = FileChannel.open(s.file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        indexChannel = FileChannel.open(s.indexFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        indexChannel.position(indexChannel.size());
        if (blocks == null) blocks = new BlockTracker(s, LogStore.BLOCK_BYTES);
    }

    /** Writer: before encoding a record; true when the encoder must write a RESET record (a block start). */
    boolean beforeRecord(long segmentBytes) throws IOException {
        long pos = position();
        if (pos >= segmentBytes) {
            roll();
            pos = 0;
        }
        return blocks.startsBlockAt(pos, indexChannel);
    }

    void afterRecord(long offset, long start, long ts) {
        blocks.record(offset, start, ts);
    }

    /** Writer: writes the encoded records (still without fsync). */
    void writeOut() throws IOException {
        int n = encoder.size();
        if (n > 0) {
            ByteBuffer b = ByteBuffer.wrap(encoder.array(), 0, n);
            long at = written;
            while (b.hasRemaining()) at += channel.write(b, at);
            written += n;
            encoder.clear();
        }
        blocks.flush(indexChannel);
    }

    void force() throws IOException {
        channel.force(false);
    }

    /** Writer, after the fsync: makes the group's records visible and hands them to live subscribers. */
    void publish() {
        active().durableLength = written;
        synchronized (this) {
            durableEnd = nextOffset - 1;
            for (LiveSubscription s : subscribers) s.publish(live, durableEnd);
        }
        live.clear();
        dirty = false;
    }

    /** Writer: the active segment is full; seal it durably (records and index) and start the next. */
    private void roll() throws IOException {
        writeOut();
        blocks.close(written, indexChannel);
        blocks.flush(indexChannel);
        channel.force(false);
        indexChannel.force(false);
        active().durableLength = written;
        channel.close();
        indexChannel.close();
        Segment next = new Segment(dir, nextOffset);
        segments.add(next);
        channel = null;
        blocks = new BlockTracker(next, LogStore.BLOCK_BYTES);
        written = 0;
        ensureWritable();
        encoder.reset();
    }

    /** Writer: the active segment's length as the checkpoint records it. */
    long durableLength() {
        Segment s = active();
        return s == null ? 0 : s.durableLength;
    }

    void close() throws IOException {
        if (channel != null) {
            channel.force(false);
            channel.close();
            indexChannel.force(false);
            indexChannel.close();
            channel = null;
        }
    }

    /** Registers a subscriber and returns the durable end it must catch up to from storage: atomically with publish. */
    synchronized long subscribe(LiveSubscription s) {
        subscribers.add(s);
        hasSubscribers = true;
        return durableEnd;
    }

    synchronized void unsubscribe(LiveSubscription s) {
        subscribers.remove(s);
        hasSubscribers = !subscribers.isEmpty();
    }

    /** Ends every follower (the store is closing). */
    void closeSubscribers() {
        List<LiveSubscription> all;
        synchronized (this) {
            all = List.copyOf(subscribers);
        }
        all.forEach(LiveSubscription::close);
    }

    synchronized int subscriberCount() {
        return subscribers.size();
    }
}
