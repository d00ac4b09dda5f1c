package dev.baton.worker.testing;

import dev.baton.grpc.GrpcAuth;
import dev.baton.grpc.TokenAuthInterceptor;
import dev.baton.grpc.WorkerTokens;
import dev.baton.grpc.v1.LogAck;
import dev.baton.grpc.v1.LogBatch;
import dev.baton.grpc.v1.LogStreamGrpc;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory LogStream server on a real loopback Netty port, for tests of log shippers. It stores into a
 * {@link RecordedLogs} (de-duplicated by worker, stream and sequence), acknowledges every batch with the highest
 * stored sequence, and uses manual flow control like the real server: it requests the next batch only when it
 * is done with the previous one, which a test can delay ({@link #requestDelay}) or hold ({@link #pause}) to
 * play a slow server.
 */
public final class RecordingLogServer implements AutoCloseable {

    private final RecordedLogs store;
    private final Server server;
    private final ScheduledExecutorService timer;
    private final AtomicInteger calls = new AtomicInteger();
    private final List<ServerCallStreamObserver<LogAck>> held = new ArrayList<>();
    private volatile Duration requestDelay = Duration.ZERO;
    private boolean paused;

    private RecordingLogServer(int port, RecordedLogs store, WorkerTokens tokens) {
        this.store = store;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("recording-log-server-timer").unstarted(r));
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .withOption(ChannelOption.SO_REUSEADDR, true)
                .addService(ServerInterceptors.intercept(new Service(), new TokenAuthInterceptor(tokens)))
                .build();
        try {
            server.start();
        } catch (IOException e) {
            timer.shutdownNow();
            throw new UncheckedIOException("cannot start the recording log server on port " + port, e);
        }
    }

    /** A server on a free port with an empty store and no authentication. */
    public static RecordingLogServer start() {
        return new RecordingLogServer(0, new RecordedLogs(), WorkerTokens.none());
    }

    /** A server on {@code port} (0: any free) continuing {@code store}, checking {@code tokens}. */
    public static RecordingLogServer start(int port, RecordedLogs store, WorkerTokens tokens) {
        return new RecordingLogServer(port, store, tokens);
    }

    public int port() {
        return server.getPort();
    }

    public RecordedLogs store() {
        return store;
    }

    /** Stream calls started (each hello), since this instance started. */
    public int calls() {
        return calls.get();
    }

    /** Waits this long after each batch before requesting the next one (zero: at once). */
    public void requestDelay(Duration delay) {
        this.requestDelay = delay;
    }

    /** Stops requesting batches after the current ones: the clients' sends back up. */
    public synchronized void pause() {
        paused = true;
    }

    /** Requests again, for every call held while paused. */
    public void resume() {
        List<ServerCallStreamObserver<LogAck>> waiting;
        synchronized (this) {
            paused = false;
            waiting = List.copyOf(held);
            held.clear();
        }
        waiting.forEach(RecordingLogServer::requestNext);
    }

    private void afterBatch(ServerCallStreamObserver<LogAck> call) {
        synchronized (this) {
            if (paused) {
                held.add(call);
                return;
            }
        }
        Duration delay = requestDelay;
        if (delay.isZero()) {
            requestNext(call);
        } else {
            timer.schedule(() -> requestNext(call), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private static void requestNext(ServerCallStreamObserver<LogAck> call) {
        try {
            if (!call.isCancelled()) call.request(1);
        } catch (RuntimeException e) {
            // The call ended meanwhile.
        }
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
    }

    private final class Service extends LogStreamGrpc.LogStreamImplBase {

        @Override
        public StreamObserver<LogBatch> stream(StreamObserver<LogAck> responses) {
            ServerCallStreamObserver<LogAck> call = (ServerCallStreamObserver<LogAck>) responses;
            call.disableAutoRequest();
            call.request(1);
            return new StreamObserver<>() {
                private RecordedLogs.Stream stream;

                @Override
                public void onNext(LogBatch batch) {
                    try {
                        if (stream == null) {
                            if (!batch.hasHello()) {
                                throw Status.INVALID_ARGUMENT.withDescription("the first message must be a hello").asRuntimeException();
                            }
                            calls.incrementAndGet();
                            String worker = GrpcAuth.effectiveWorkerId(batch.getHello().getWorkerId());
                            stream = new RecordedLogs.Stream(worker, batch.getHello().getStreamId());
                            store.hello(stream, batch.getHello().getMetadataMap());
                            call.onNext(ack(store.highestStored(stream)));
                            call.request(1);
                            return;
                        }
                        long highest = store.store(stream, batch.getEntriesList());
                        call.onNext(ack(highest));
                        afterBatch(call);
                    } catch (StatusRuntimeException e) {
                        call.onError(e);
                    } catch (RuntimeException e) {
                        // The call may have been cancelled by the client meanwhile.
                    }
                }

                private LogAck ack(long highest) {
                    return LogAck.newBuilder().setStreamId(stream.streamId()).setAckedSequence(highest).build();
                }

                @Override
                public void onError(Throwable t) {
                    // Client gone (cut, cancelled): nothing to clean up, the store is shared.
                }

                @Override
                public void onCompleted() {
                    try {
                        call.onCompleted();
                    } catch (RuntimeException e) {
                        // already closed
                    }
                }
            };
        }
    }
}
