package dev.baton.logs.ingest;

/**
 * Reads protobuf wire format (varints, lengths, skipping) over a byte array without allocating, for the log
 * ingest's hot path; {@link WireBatch} and {@link EntryConversion} know the field numbers of logs.proto.
 */
final class WireReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    /** The bytes are not what logs.proto describes; the message says where. */
    static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private final byte[] bytes;
    private int pos;
    private final int limit;

    WireReader(byte[] bytes, int from, int to) {
        this.bytes = bytes;
        this.pos = from;
        this.limit = to;
    }

    boolean more() {
        return pos < limit;
    }

    int position() {
        return pos;
    }

    int tag() {
        long tag = varint("a field tag");
        if (tag >>> 3 == 0 || tag > Integer.MAX_VALUE) throw new Malformed("invalid field tag " + tag + " at byte " + pos);
        return (int) tag;
    }

    long varint(String what) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) throw new Malformed(what + " is cut off at byte " + pos);
            byte b = bytes[pos++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) return result;
        }
        throw new Malformed(what + " is a varint longer than 10 bytes at byte " + pos);
    }

    /** A length prefix that fits in what is left. */
    int length(String what) {
        long length = varint(what + " length");
        if (length < 0 || length > limit - pos) throw new Malformed(what + " claims " + length + " bytes, " + (limit - pos) + " are left");
        return (int) length;
    }

    void skipBytes(int n) {
        pos += n;
    }

    void skipField(int tag, String message) {
        switch (tag & 7) {
            case VARINT -> varint(message + " field " + (tag >>> 3));
            case FIXED64 -> skipFixed(8, tag, message);
            case LENGTH_DELIMITED -> skipBytes(length(message + " field " + (tag >>> 3)));
            case FIXED32 -> skipFixed(4, tag, message);
            default -> throw new Malformed(message + " field " + (tag >>> 3) + " has unsupported wire type " + (tag & 7));
        }
    }

    private void skipFixed(int n, int tag, String message) {
        if (limit - pos < n) throw new Malformed(message + " field " + (tag >>> 3) + " is cut off");
        pos += n;
    }
}
