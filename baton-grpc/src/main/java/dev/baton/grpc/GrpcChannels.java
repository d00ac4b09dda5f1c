package dev.baton.grpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import javax.net.ssl.SSLException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Channels from a worker to the server: plaintext on a trusted network, TLS when a CA certificate is given. */
public final class GrpcChannels {

    /** Largest message either end accepts (a log batch is far smaller): oversize gets RESOURCE_EXHAUSTED. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

    private GrpcChannels() {
    }

    /**
     * @param target      {@code host:port}
     * @param trustedCert PEM certificate (or CA) to trust for TLS; null means plaintext
     */
    public static ManagedChannel toServer(String target, Path trustedCert, int maxMessageBytes) {
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget(target)
                .maxInboundMessageSize(maxMessageBytes)
                .keepAliveTime(30, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS)
                .keepAliveWithoutCalls(true);
        if (trustedCert == null) {
            builder.usePlaintext();
        } else {
            try {
                builder.sslContext(GrpcSslContexts.forClient().trustManager(trustedCert.toFile()).build());
            } catch (SSLException e) {
                throw new UncheckedIOException("cannot use " + trustedCert + " as the server's certificate", e);
            }
        }
        return builder.build();
    }
}
