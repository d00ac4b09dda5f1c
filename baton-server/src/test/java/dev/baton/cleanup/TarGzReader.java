package dev.baton.cleanup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** Reads a ustar .tar.gz back (name → content), checking each header's checksum: an independent check of the writer. */
final class TarGzReader {
    private TarGzReader() {
    }

    static Map<String, String> read(Path archive) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive))) {
            while (true) {
                byte[] h = in.readNBytes(512);
                if (h.length < 512) throw new IOException("truncated archive");
                if (allZero(h)) break;
                long sum = 0;
                for (int i = 0; i < 512; i++) sum += (i >= 148 && i < 156) ? ' ' : h[i] & 0xff;
                if (sum != octal(h, 148, 8)) throw new IOException("bad header checksum");
                if (!"ustar".equals(text(h, 257, 6))) throw new IOException("not ustar");
                String prefix = text(h, 345, 155);
                String name = (prefix.isEmpty() ? "" : prefix + "/") + text(h, 0, 100);
                int size = (int) octal(h, 124, 12);
                entries.put(name, new String(in.readNBytes(size), StandardCharsets.UTF_8));
                in.readNBytes((512 - size % 512) % 512);
            }
        }
        return entries;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    private static String text(byte[] h, int at, int len) {
        int end = at;
        while (end < at + len && h[end] != 0) end++;
        return new String(h, at, end - at, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] h, int at, int len) {
        String s = text(h, at, len).trim();
        return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    }
}
