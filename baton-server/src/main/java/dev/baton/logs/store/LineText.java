package dev.baton.logs.store;

import java.nio.charset.StandardCharsets;

/**
 * A line's text as valid UTF-8 bytes, often a slice of the gRPC message it arrived in: the store writes these
 * bytes as they are, so a line on its way from a worker to disk is never turned into a {@link String} (at
 * hundreds of thousands of lines a second, decoding and re-encoding was most of the server's allocation). A
 * string is made only for a live follower, once.
 */
public final class LineText {
    public static final LineText EMPTY = new LineText(new byte[0], 0, 0, "");

    private final byte[] bytes;
    private final int offset;
    private final int length;
    private String text;

    private LineText(byte[] bytes, int offset, int length, String text) {
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
        this.text = text;
    }

    public static LineText of(String text) {
        if (text == null || text.isEmpty()) return EMPTY;
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return new LineText(utf8, 0, utf8.length, text);
    }

    /** The caller guarantees valid UTF-8 and that the bytes are not changed afterwards. */
    public static LineText ofValidUtf8(byte[] bytes, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > bytes.length) {
            throw new IndexOutOfBoundsException("slice " + offset + "+" + length + " of " + bytes.length + " bytes");
        }
        return length == 0 ? EMPTY : new LineText(bytes, offset, length, null);
    }

    /** Length in UTF-8 bytes. */
    public int utf8Length() {
        return length;
    }

    void copyTo(byte[] target, int at) {
        System.arraycopy(bytes, offset, target, at, length);
    }

    @Override
    public String toString() {
        String s = text;
        if (s == null) {
            s = new String(bytes, offset, length, StandardCharsets.UTF_8);
            text = s;
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LineText t && t.length == length
                && java.util.Arrays.equals(bytes, offset, offset + length, t.bytes, t.offset, t.offset + t.length);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = offset; i < offset + length; i++) h = 31 * h + bytes[i];
        return h;
    }
}
