package dev.baton.grpc;

import dev.baton.grpc.v1.LogAck;
import dev.baton.grpc.v1.LogBatch;
import dev.baton.grpc.v1.LogStreamGrpc;
import dev.baton.grpc.v1.StreamHello;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The token check on a real socket: what a worker with no, a wrong, or another worker's token gets. */
class TokenAuthInterceptorTest {

    private static final String TOKEN_W1 = "token-of-worker-one";
    private static final String TOKEN_W2 = "token-of-worker-two";

    private final AtomicReference<String> seenWorker = new AtomicReference<>();
    private final AtomicReference<String> seenCorrelation = new AtomicReference<>();
    private Server server;
    private ManagedChannel channel;
    private TokenAuthInterceptor auth;

    private void start(WorkerTokens tokens) throws IOException {
        auth = new TokenAuthInterceptor(tokens);
        LogStreamGrpc.LogStreamImplBase service = new LogStreamGrpc.LogStreamImplBase() {
            @Override
            public void append(LogBatch request, StreamObserver<LogAck> response) {
                try {
                    seenWorker.set(GrpcAuth.effectiveWorkerId(request.getHello().getWorkerId()));
                    seenCorrelation.set(GrpcAuth.CORRELATION.get());
                    response.onNext(LogAck.newBuilder().setStreamId(request.getHello().getStreamId()).build());
                    response.onCompleted();
                } catch (StatusRuntimeException e) {
                    response.onError(e);
                }
            }
        };
        server = NettyServerBuilder.forPort(0).maxInboundMessageSize(64 * 1024)
                .addService(ServerInterceptors.intercept(service, auth)).build().start();
        channel = GrpcChannels.toServer("127.0.0.1:" + server.getPort(), null, GrpcChannels.DEFAULT_MAX_MESSAGE_BYTES);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        if (server != null) server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static LogBatch hello(String worker) {
        return LogBatch.newBuilder().setHello(StreamHello.newBuilder().setWorkerId(worker).setStreamId("s1")).build();
    }

    @Test
    void theTokenNamesTheWorkerAndTheCorrelationIdTravels() throws IOException {
        start(WorkerTokens.parse("w1=" + TOKEN_W1 + ",w2=" + TOKEN_W2));
        LogAck ack = LogStreamGrpc.newBlockingStub(channel).withCallCredentials(GrpcAuth.bearer(TOKEN_W1))
                .withInterceptors(new CorrelationIdClientInterceptor(() -> "corr-42"))
                .append(hello(""));
        assertThat(ack.getStreamId()).isEqualTo("s1");
        assertThat(seenWorker.get()).isEqualTo("w1");
        assertThat(seenCorrelation.get()).isEqualTo("corr-42");
    }

    @Test
    void missingOrWrongTokenIsUnauthenticated() throws IOException {
        start(WorkerTokens.parse("w1=" + TOKEN_W1));
        var stub = LogStreamGrpc.newBlockingStub(channel);
        assertThatThrownBy(() -> stub.append(hello("w1")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                    assertThat(e.getStatus().getDescription()).startsWith("missing bearer token");
                });
        assertThatThrownBy(() -> stub.withCallCredentials(GrpcAuth.bearer("not-the-token-at-all")).append(hello("w1")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                    assertThat(e.getStatus().getDescription()).isEqualTo("invalid token");
                });
        assertThat(auth.rejected()).isEqualTo(2);
        assertThat(seenWorker.get()).isNull();
    }

    @Test
    void aWorkerCannotClaimAnotherWorkersId() throws IOException {
        start(WorkerTokens.parse("w1=" + TOKEN_W1 + ",w2=" + TOKEN_W2));
        assertThatThrownBy(() -> LogStreamGrpc.newBlockingStub(channel).withCallCredentials(GrpcAuth.bearer(TOKEN_W1)).append(hello("w2")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    }

    @Test
    void withoutTokensTheClaimedIdIsUsedAndRequired() throws IOException {
        start(WorkerTokens.none());
        LogStreamGrpc.newBlockingStub(channel).append(hello("free-worker"));
        assertThat(seenWorker.get()).isEqualTo("free-worker");
        assertThatThrownBy(() -> LogStreamGrpc.newBlockingStub(channel).append(hello("")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }

    @Test
    void anOversizeMessageIsRefusedWithAClearStatus() throws IOException {
        start(WorkerTokens.none());
        LogBatch huge = hello("w1").toBuilder().addEntries(dev.baton.grpc.v1.LogEntry.newBuilder()
                .setSequence(1).setMessage("x".repeat(100 * 1024))).build();
        assertThatThrownBy(() -> LogStreamGrpc.newBlockingStub(channel).append(huge))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    }
}
