package dev.baton.cleanup;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Writes regular files into a {@code .tar.gz} (POSIX ustar) with the JDK alone: reports are small text
 * files, so a minimal writer saves a dependency. Names longer than 100 bytes go into the ustar prefix.
 */
final class TarGzWriter {
    private static final int BLOCK = 512;

    private TarGzWriter() {
    }

    /** @param files regular files under {@code base}; entry names are their paths relative to it */
    static void write(Path target, Path base, List<Path> files) throws IOException {
        try (OutputStream out = new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(target)))) {
            for (Path file : files) {
                String name = base.relativize(file).toString().replace('\\', '/');
                long size = Files.size(file);
                out.write(header(name, size, Files.getLastModifiedTime(file).toMillis() / 1000));
                try (var in = Files.newInputStream(file)) {
                    long copied = in.transferTo(out);
                    if (copied != size) throw new IOException(file + " changed while it was archived");
                }
                int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
                out.write(new byte[pad]);
            }
            out.write(new byte[2 * BLOCK]); // end of archive: two zero blocks
        }
    }

    private static byte[] header(String name, long size, long mtimeSeconds) throws IOException {
        byte[] h = new byte[BLOCK];
        String prefix = "";
        String rest = name;
        if (bytes(name) > 100) {
            // The leftmost slash that leaves at most 100 bytes for the name field keeps the prefix shortest.
            int cut = name.indexOf('/');
            while (cut > 0 && bytes(name.substring(cut + 1)) > 100) cut = name.indexOf('/', cut + 1);
            if (cut <= 0 || bytes(name.substring(0, cut)) > 155) throw new IOException("name too long for a ustar entry: " + name);
            prefix = name.substring(0, cut);
            rest = name.substring(cut + 1);
        }
        put(h, 0, 100, rest.getBytes(StandardCharsets.UTF_8));
        octal(h, 100, 8, 0644);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, mtimeSeconds);
        Arrays.fill(h, 148, 156, (byte) ' '); // the checksum counts its own field as spaces
        h[156] = '0'; // regular file
        put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
        put(h, 345, 155, prefix.getBytes(StandardCharsets.UTF_8));
        long sum = 0;
        for (byte b : h) sum += b & 0xff;
        octal(h, 148, 7, sum);
        h[155] = ' ';
        return h;
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static void put(byte[] h, int at, int length, byte[] value) {
        System.arraycopy(value, 0, h, at, Math.min(length, value.length));
    }

    /** Zero-padded octal digits followed by NUL, filling {@code length} bytes. */
    private static void octal(byte[] h, int at, int length, long value) throws IOException {
        String digits = Long.toOctalString(value);
        if (digits.length() > length - 1) throw new IOException("value " + value + " does not fit a ustar field");
        put(h, at, length - 1, ("0".repeat(length - 1 - digits.length()) + digits).getBytes(StandardCharsets.US_ASCII));
        h[at + length - 1] = 0;
    }
}
