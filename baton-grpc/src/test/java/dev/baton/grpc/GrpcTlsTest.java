package dev.baton.grpc;

import dev.baton.grpc.v1.LogAck;
import dev.baton.grpc.v1.LogBatch;
import dev.baton.grpc.v1.LogStreamGrpc;
import dev.baton.grpc.v1.StreamHello;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * gRPC over TLS as the server (GRPC_TLS_CERT/GRPC_TLS_KEY) and a worker (--tls-cert) set it up, with a
 * certificate made by the JDK's keytool for 127.0.0.1: a worker trusting it gets through; a plaintext one
 * does not.
 */
class GrpcTlsTest {
    @TempDir
    static Path dir;
    static Path cert;
    static Path key;

    private Server server;
    private ManagedChannel channel;

    @BeforeAll
    static void makeCertificate() throws Exception {
        SelfSignedCertificate made = SelfSignedCertificate.create(dir);
        cert = made.cert();
        key = made.key();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        if (server != null) server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private void startTlsServer() throws Exception {
        server = NettyServerBuilder.forPort(0).sslContext(GrpcSslContexts.forServer(cert.toFile(), key.toFile()).build())
                .addService(new LogStreamGrpc.LogStreamImplBase() {
                    @Override
                    public void append(LogBatch request, StreamObserver<LogAck> response) {
                        response.onNext(LogAck.newBuilder().setStreamId(request.getHello().getStreamId()).setAckedSequence(7).build());
                        response.onCompleted();
                    }
                }).build().start();
    }

    private static LogBatch hello() {
        return LogBatch.newBuilder().setHello(StreamHello.newBuilder().setWorkerId("w1").setStreamId("s1")).build();
    }

    @Test
    void aWorkerTrustingTheCertificateTalksTls() throws Exception {
        startTlsServer();
        channel = GrpcChannels.toServer("127.0.0.1:" + server.getPort(), cert, GrpcChannels.DEFAULT_MAX_MESSAGE_BYTES);
        assertThat(LogStreamGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).append(hello()).getAckedSequence()).isEqualTo(7);
    }

    @Test
    void aPlaintextWorkerIsNotServed() throws Exception {
        startTlsServer();
        channel = GrpcChannels.toServer("127.0.0.1:" + server.getPort(), null, GrpcChannels.DEFAULT_MAX_MESSAGE_BYTES);
        assertThatThrownBy(() -> LogStreamGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).append(hello()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isIn(Status.Code.UNAVAILABLE, Status.Code.INTERNAL, Status.Code.DEADLINE_EXCEEDED));
    }

    @Test
    void aCertificateThatDoesNotExistIsNamed() {
        Path missing = dir.resolve("nope.pem");
        assertThatThrownBy(() -> GrpcChannels.toServer("127.0.0.1:1", missing, GrpcChannels.DEFAULT_MAX_MESSAGE_BYTES))
                .hasMessageContaining(missing.toString());
    }
}
