package dev.baton.worker.logs;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A request marshaller for messages that are already serialized: the bytes are the message. The stream it
 * hands to gRPC tells its length and writes itself straight into the transport's buffer (no intermediate copy).
 */
final class SerializedMessageMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    static final SerializedMessageMarshaller INSTANCE = new SerializedMessageMarshaller();

    private SerializedMessageMarshaller() {
    }

    @Override
    public InputStream stream(byte[] value) {
        return new BytesStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
        try {
            return stream.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read a serialized message: " + e.getMessage(), e);
        }
    }

    private static final class BytesStream extends ByteArrayInputStream implements Drainable, KnownLength {
        BytesStream(byte[] bytes) {
            super(bytes);
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            int n = count - pos;
            target.write(buf, pos, n);
            pos = count;
            return n;
        }
    }
}
