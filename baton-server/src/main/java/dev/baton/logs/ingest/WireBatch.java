package dev.baton.logs.ingest;

import dev.baton.grpc.v1.LogBatch;
import dev.baton.grpc.v1.StreamHello;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.MethodDescriptor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * A {@link LogBatch} as it came off the wire: the message's bytes, its hello (parsed: one per call) and where
 * each entry lies in the bytes. Entries are decoded by {@link EntryConversion} straight into store lines whose
 * text stays a slice of these bytes, so no {@code LogEntry} object or {@code String} is made per line.
 *
 * @param malformed why the bytes are not a LogBatch, null when they are (reported as INVALID_ARGUMENT by the call,
 *                  which a throwing marshaller could not do)
 */
record WireBatch(byte[] bytes, StreamHello hello, int[] entryStarts, int[] entryEnds, int entryCount, String malformed) {

    static final MethodDescriptor.Marshaller<WireBatch> MARSHALLER = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(WireBatch value) {
            return new ByteArrayInputStream(value.bytes());
        }

        @Override
        public WireBatch parse(InputStream stream) {
            try (stream) {
                return WireBatch.parse(stream.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private static final int HELLO = 1;
    private static final int ENTRIES = 2;

    boolean hasHello() {
        return hello != null;
    }

    static WireBatch parse(byte[] bytes) {
        WireReader in = new WireReader(bytes, 0, bytes.length);
        StreamHello hello = null;
        int[] starts = new int[16];
        int[] ends = new int[16];
        int n = 0;
        try {
            while (in.more()) {
                int tag = in.tag();
                int field = tag >>> 3;
                if (field == ENTRIES && (tag & 7) == WireReader.LENGTH_DELIMITED) {
                    int length = in.length("entries[" + n + "]");
                    if (n == starts.length) {
                        starts = Arrays.copyOf(starts, n * 2);
                        ends = Arrays.copyOf(ends, n * 2);
                    }
                    starts[n] = in.position();
                    ends[n] = in.position() + length;
                    n++;
                    in.skipBytes(length);
                } else if (field == HELLO && (tag & 7) == WireReader.LENGTH_DELIMITED) {
                    int length = in.length("hello");
                    hello = StreamHello.parser().parseFrom(bytes, in.position(), length);
                    in.skipBytes(length);
                } else {
                    in.skipField(tag, "LogBatch");
                }
            }
        } catch (WireReader.Malformed | InvalidProtocolBufferException e) {
            return new WireBatch(bytes, null, new int[0], new int[0], 0, "not a valid LogBatch: " + e.getMessage());
        }
        return new WireBatch(bytes, hello, starts, ends, n, null);
    }
}
