package dev.baton.worker.logs;

import com.google.protobuf.CodedOutputStream;
import dev.baton.grpc.v1.LogEntry;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One spill file: length-delimited {@link LogEntry} records with ascending sequences, named after the first
 * sequence it stands for so a directory listing gives the order back after a restart. A gap segment stands
 * for a run of dropped lines: one gap entry whose sequence is the last dropped line's, kept in memory as well
 * so a failing disk cannot lose the record of the loss while the worker runs.
 */
final class SpoolSegment {
    private static final String PREFIX = "segment-";
    private static final String SUFFIX = ".log";
    private static final int WRITE_BUFFER_BYTES = 64 * 1024;

    final Path file;
    final long firstSequence;
    final boolean gap;
    long lastSequence;
    long count;
    long bytes;
    private LogEntry gapEntry;
    private OutputStream writer;
    /** Appends gather here (whole records) and go to the file when it is full or on {@link #flush()}. */
    private byte[] buffer;
    private int buffered;

    private SpoolSegment(Path file, long firstSequence, boolean gap) {
        this.file = file;
        this.firstSequence = firstSequence;
        this.gap = gap;
    }

    static Path fileFor(Path dir, long firstSequence) {
        return dir.resolve(String.format("%s%020d%s", PREFIX, firstSequence, SUFFIX));
    }

    static boolean isSegmentFile(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(PREFIX) && name.endsWith(SUFFIX);
    }

    static long recordBytes(LogEntry entry) {
        int size = entry.getSerializedSize();
        return CodedOutputStream.computeUInt32SizeNoTag(size) + size;
    }

    /** Bytes on disk for an entry of {@code entryBytes}: its length as a varint, then the entry. */
    static long recordBytes(int entryBytes) {
        return EntryEncoding.varintSize(entryBytes) + entryBytes;
    }

    /** A new, empty data segment open for appending. */
    static SpoolSegment create(Path dir, long firstSequence) throws IOException {
        SpoolSegment segment = new SpoolSegment(fileFor(dir, firstSequence), firstSequence, false);
        segment.writer = Files.newOutputStream(segment.file,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        segment.buffer = new byte[WRITE_BUFFER_BYTES];
        segment.lastSequence = firstSequence - 1;
        return segment;
    }

    /** A gap segment standing for dropped lines from {@code firstSequence} to the gap entry's sequence. */
    static SpoolSegment gap(Path dir, long firstSequence, LogEntry gapEntry) throws IOException {
        SpoolSegment segment = new SpoolSegment(fileFor(dir, firstSequence), firstSequence, true);
        segment.replaceGap(gapEntry);
        return segment;
    }

    /**
     * Reads a segment left by an earlier run. A record cut short by a crash ends the file: it is truncated
     * there, so appends and reads never see half a record.
     */
    static SpoolSegment restore(Path file) throws IOException {
        String name = file.getFileName().toString();
        long first = Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
        long good = 0;
        long count = 0;
        long last = first - 1;
        LogEntry only = null;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            while (true) {
                LogEntry entry;
                try {
                    entry = LogEntry.parseDelimitedFrom(in);
                } catch (IOException torn) {
                    break;
                }
                if (entry == null) break;
                good += recordBytes(entry);
                count++;
                last = entry.getSequence();
                only = count == 1 ? entry : null;
            }
        }
        if (good < Files.size(file)) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(good);
            }
        }
        boolean isGap = only != null && only.hasGap();
        SpoolSegment segment = new SpoolSegment(file, first, isGap);
        segment.count = count;
        segment.lastSequence = last;
        segment.bytes = good;
        segment.gapEntry = isGap ? only : null;
        return segment;
    }

    boolean writable() {
        return writer != null;
    }

    LogEntry gapEntry() {
        return gapEntry;
    }

    /**
     * Appends one serialized entry, length-delimited (as {@code LogEntry.writeDelimitedTo} writes it), to the
     * write buffer; {@link #flush()} before anything reads the file.
     */
    long append(long sequence, byte[] entry) throws IOException {
        int written = EntryEncoding.varintSize(entry.length) + entry.length;
        if (buffered + written > buffer.length) {
            flush();
            if (written > buffer.length) buffer = new byte[written]; // a line longer than the buffer: rare
        }
        buffered = EntryEncoding.writeVarint(buffer, buffered, entry.length);
        System.arraycopy(entry, 0, buffer, buffered, entry.length);
        buffered += entry.length;
        lastSequence = sequence;
        count++;
        bytes += written;
        return written;
    }

    void flush() throws IOException {
        if (writer != null && buffered > 0) {
            writer.write(buffer, 0, buffered);
            buffered = 0;
        }
    }

    /** No more appends: the next spill starts a new segment. */
    void seal() throws IOException {
        if (writer != null) {
            try {
                flush();
            } finally {
                try {
                    writer.close();
                } finally {
                    writer = null;
                    buffer = null;
                    buffered = 0;
                }
            }
        }
    }

    /** Writes (or rewrites, when more lines were dropped) the gap record; the file is replaced atomically. */
    void replaceGap(LogEntry entry) throws IOException {
        gapEntry = entry;
        lastSequence = entry.getSequence();
        count = 1;
        bytes = recordBytes(entry);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            entry.writeDelimitedTo(out);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    void delete() throws IOException {
        buffered = 0; // nothing to write into a file about to go
        try {
            seal();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Override
    public String toString() {
        return file.getFileName() + "[" + firstSequence + ".." + lastSequence + (gap ? ", gap" : "") + "]";
    }
}
