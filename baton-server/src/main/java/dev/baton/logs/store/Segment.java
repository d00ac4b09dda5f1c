package dev.baton.logs.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One segment file {@code <baseOffset>.log} of a log and its sparse index {@code <baseOffset>.idx}. The writer
 * publishes {@link #durableLength} after each fsync; readers never read past it, so they never see a record
 * that could still be lost.
 */
final class Segment {
    final long baseOffset;
    final Path file;
    final Path indexFile;
    volatile long durableLength;
    private final List<Block> blocks = new ArrayList<>();

    Segment(Path dir, long baseOffset) {
        this.baseOffset = baseOffset;
        String name = String.format("%020d", baseOffset);
        this.file = dir.resolve(name + ".log");
        this.indexFile = dir.resolve(name + ".idx");
    }

    static boolean isSegmentFile(Path p) {
        String n = p.getFileName().toString();
        return n.length() == 24 && n.endsWith(".log") && n.substring(0, 20).chars().allMatch(Character::isDigit);
    }

    static long baseOf(Path p) {
        return Long.parseLong(p.getFileName().toString().substring(0, 20));
    }

    synchronized void addBlock(Block b) {
        blocks.add(b);
    }

    synchronized void setBlocks(List<Block> loaded) {
        blocks.clear();
        blocks.addAll(loaded);
    }

    synchronized int blockCount() {
        return blocks.size();
    }

    /** The indexed blocks that may hold offsets above {@code after}, oldest first. */
    synchronized List<Block> blocksAfter(long after) {
        int lo = 0;
        int hi = blocks.size();
        while (lo < hi) { // first block whose lastOffset > after
            int mid = (lo + hi) >>> 1;
            if (blocks.get(mid).lastOffset() > after) hi = mid;
            else lo = mid + 1;
        }
        return List.copyOf(blocks.subList(lo, blocks.size()));
    }

    /** End of the indexed part: records after it are found by scanning. */
    synchronized long indexedEnd() {
        return blocks.isEmpty() ? 0 : blocks.getLast().end();
    }

    synchronized long indexedLastOffset() {
        return blocks.isEmpty() ? baseOffset - 1 : blocks.getLast().lastOffset();
    }

    /**
     * Reads the index file, keeping the longest sound prefix with every block inside {@code maxEnd} bytes; a
     * torn or garbage tail is dropped (and recovery rebuilds it from the records).
     */
    static List<Block> readIndex(Path indexFile, long maxEnd) throws IOException {
        List<Block> out = new ArrayList<>();
        if (!Files.exists(indexFile)) return out;
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(indexFile));
        Block previous = null;
        while (b.remaining() >= Block.BYTES) {
            Block next = Block.readFrom(b);
            if (!next.follows(previous) || next.end() > maxEnd) break;
            out.add(next);
            previous = next;
        }
        return out;
    }

    FileChannel openForRead() throws IOException {
        return FileChannel.open(file, StandardOpenOption.READ);
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
