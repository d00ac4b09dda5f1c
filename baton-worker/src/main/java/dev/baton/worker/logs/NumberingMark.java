package dev.baton.worker.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * The highest sequence the spool numbered, stored for every line into a memory-mapped file. A store into a
 * mapped page costs no system call and outlives the process: when the worker is killed the kernel still holds
 * the page. So a restart after a kill continues the numbering right after the last line numbered, and the
 * server sees a hole in the sequences exactly where lines were lost (and records it as a gap), instead of a
 * jump over a reservation block that may hide nothing or 65,536 lines.
 *
 * <p>The page is only as durable as the page cache: after a power loss it may be older than the lines the
 * server holds, and numbering after it would reuse their sequences (the server would drop the new lines as
 * replays). So the file names the boot it was written in, and a mark from another boot (or a system without
 * {@code /proc/sys/kernel/random/boot_id}) is not trusted: the spool then continues after its reservation.
 *
 * <p>Layout: the sequence (8 bytes, little-endian), then the boot id (36 ASCII bytes).
 */
final class NumberingMark implements AutoCloseable {
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
    private static final int BOOT_ID_BYTES = 36;
    private static final long FILE_BYTES = 8 + BOOT_ID_BYTES;

    /** Null when nothing is kept. Unmapped only by the garbage collector (Java 21 has no unmap): the file is tiny. */
    private MappedByteBuffer page;

    private NumberingMark(MappedByteBuffer page) {
        this.page = page;
    }

    /** The mark an earlier run left in {@code file}, when it was written since this machine booted; else empty. */
    static OptionalLong read(Path file) throws IOException {
        byte[] boot = bootId();
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
        if (boot == null || all.length != FILE_BYTES || !Arrays.equals(all, 8, all.length, boot, 0, boot.length)) return OptionalLong.empty();
        long sequence = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return sequence < 0 ? OptionalLong.empty() : OptionalLong.of(sequence);
    }

    /**
     * Maps {@code file} (created if needed) with {@code sequence} and this boot's id. Without a boot id the file
     * is removed instead (an old mark must not be trusted later) and the returned mark keeps nothing.
     */
    static NumberingMark open(Path file, long sequence) throws IOException {
        byte[] boot = bootId();
        if (boot == null) {
            Files.deleteIfExists(file);
            return none();
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            channel.truncate(FILE_BYTES);
            MappedByteBuffer page = channel.map(FileChannel.MapMode.READ_WRITE, 0, FILE_BYTES); // stays valid after the channel closes
            page.order(ByteOrder.LITTLE_ENDIAN);
            page.putLong(0, sequence);
            page.put(8, boot);
            return new NumberingMark(page);
        }
    }

    /** A mark that keeps nothing: when the file could not be mapped. */
    static NumberingMark none() {
        return new NumberingMark(null);
    }

    /** Records that {@code sequence} is numbered; one plain store. Callers serialize (the spool's lock). */
    void set(long sequence) {
        if (page != null) page.putLong(0, sequence);
    }

    /** Stops keeping the mark (the mapping goes with the buffer); the page stays with the kernel. */
    @Override
    public void close() {
        page = null;
    }

    private static byte[] bootId() {
        try {
            byte[] id = Files.readString(BOOT_ID, StandardCharsets.US_ASCII).trim().getBytes(StandardCharsets.US_ASCII);
            return id.length == BOOT_ID_BYTES ? id : null;
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
