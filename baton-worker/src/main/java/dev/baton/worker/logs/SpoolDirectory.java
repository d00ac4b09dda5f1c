package dev.baton.worker.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The files of a spool directory besides the segments: a lock (one worker process per directory), the stream
 * id (created once, so a restarted worker resumes the same stream), the sequence reservation and the
 * numbering mark.
 *
 * <p>Why a reservation: lines only in memory at a crash are lost, but the server may already have stored
 * some of them. Were the next run to continue after the last line on disk, the server would take its new lines
 * for replays and drop them. So sequences are reserved in blocks, written ahead, and a restart after a crash
 * continues after the reserved block: the crash leaves a hole in the numbering, never a reused number. When the
 * {@link NumberingMark} of this boot is there, a restart continues right after the last numbered line instead,
 * so the hole is exactly the lost lines.
 */
final class SpoolDirectory implements AutoCloseable {
    static final long RESERVATION_BLOCK = 65_536;
    private static final String NUMBERING_MARK = "numbered";

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private SpoolDirectory(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    static SpoolDirectory open(Path dir) {
        try {
            Files.createDirectories(dir);
            FileChannel channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("log spool directory " + dir + " is in use by another worker");
            }
            return new SpoolDirectory(dir, channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open log spool directory " + dir, e);
        }
    }

    Path path() {
        return dir;
    }

    /** The stream id kept in the directory, created on first use. */
    String streamId() {
        Path file = dir.resolve("stream-id");
        try {
            if (Files.exists(file)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!id.isEmpty()) return id;
            }
            String id = UUID.randomUUID().toString();
            writeAtomically(file, id);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the stream id in " + file, e);
        }
    }

    /** The highest sequence reserved by an earlier run, or 0. */
    long reservedSequence() {
        Path file = dir.resolve("sequence");
        try {
            return Files.exists(file) ? Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim()) : 0;
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read the sequence reservation " + file + ": " + e.getMessage(), e);
        }
    }

    /** The highest sequence the server had acknowledged when the spool last closed, or 0. */
    long ackedSequence() {
        Path file = dir.resolve("acked");
        try {
            return Files.exists(file) ? Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim()) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0; // only saves resending what the server would drop as replays
        }
    }

    /** The last sequence an earlier run numbered, when its mark can be trusted (see {@link NumberingMark}); else empty. */
    OptionalLong numberedSequence() {
        try {
            return NumberingMark.read(dir.resolve(NUMBERING_MARK));
        } catch (IOException e) {
            return OptionalLong.empty(); // then the reservation decides: a hole in the numbering, never a reused number
        }
    }

    /** The mark this run keeps, starting at {@code sequence}. */
    NumberingMark numberingMark(long sequence) throws IOException {
        return NumberingMark.open(dir.resolve(NUMBERING_MARK), sequence);
    }

    /** Removes the mark, so a run that could not keep one leaves none a later run would trust. */
    void forgetNumberingMark() throws IOException {
        Files.deleteIfExists(dir.resolve(NUMBERING_MARK));
    }

    void acknowledged(long sequence) throws IOException {
        writeAtomically(dir.resolve("acked"), Long.toString(sequence));
    }

    void reserve(long upTo) throws IOException {
        writeAtomically(dir.resolve("sequence"), Long.toString(upTo));
    }

    List<Path> segmentFiles() {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found = new ArrayList<>(files.filter(SpoolSegment::isSegmentFile).sorted().toList());
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list log spool directory " + dir, e);
        }
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            // released with the process anyway
        }
    }
}
