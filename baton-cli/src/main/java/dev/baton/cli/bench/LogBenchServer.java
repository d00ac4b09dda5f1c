package dev.baton.cli.bench;

import dev.baton.grpc.GrpcChannels;
import dev.baton.grpc.TokenAuthInterceptor;
import dev.baton.grpc.WorkerTokens;
import dev.baton.logs.ingest.LogIngestService;
import dev.baton.logs.store.LogStore;
import dev.baton.logs.store.LogStoreSettings;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * The server half of the log benchmark: the real {@link LogStore} (fsync'd group commits into segment files)
 * behind the real {@link LogIngestService} and token check, on a Netty port on loopback — what a Baton server
 * runs for its workers, without the rest of the server.
 */
final class LogBenchServer implements AutoCloseable {
    final LogStore store;
    private final Server server;
    private final WorkerTokens tokens;

    private LogBenchServer(LogStore store, Server server, WorkerTokens tokens) {
        this.store = store;
        this.server = server;
        this.tokens = tokens;
    }

    /** @param workers the workers w0 … w(n-1) that get a token each ({@link #token}) */
    static LogBenchServer start(Path dir, int workers) throws IOException {
        StringBuilder spec = new StringBuilder();
        for (int i = 0; i < workers; i++) spec.append(i == 0 ? "" : ",").append(workerId(i)).append('=').append(token(i));
        WorkerTokens tokens = WorkerTokens.parse(spec.toString());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        LogStore store = LogStore.open(dir, LogStoreSettings.defaults(), Clock.systemUTC(), meters);
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .maxInboundMessageSize(GrpcChannels.DEFAULT_MAX_MESSAGE_BYTES)
                .addService(ServerInterceptors.intercept(new LogIngestService(store, Clock.systemUTC(), meters), new TokenAuthInterceptor(tokens)))
                .build().start();
        return new LogBenchServer(store, server, tokens);
    }

    static String workerId(int i) {
        return "w" + i;
    }

    /** Bench-only tokens: long enough for the token rules, and never secret. */
    static String token(int i) {
        return "bench-token-of-worker-" + i;
    }

    String target() {
        return "127.0.0.1:" + server.getPort();
    }

    ManagedChannel channel() {
        return GrpcChannels.toServer(target(), null, GrpcChannels.DEFAULT_MAX_MESSAGE_BYTES);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        store.close();
    }
}
