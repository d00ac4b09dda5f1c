package dev.baton.server;

import dev.baton.grpc.TokenAuthInterceptor;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC server: the network port workers connect to, and an in-process twin (named {@code LocalWorker.IN_PROCESS_NAME})
 * for the server's own embedded worker, both with the same services and the same token check.
 *
 * <p>Starts before the engine (the embedded worker must be able to register before workflows resume) and
 * stops after it, so the agents the engine pauses at shutdown can still report over gRPC.
 */
final class GrpcServerLifecycle implements SmartLifecycle {

    /** Stops after the engine ({@link SmartLifecycle#DEFAULT_PHASE}) and after the web server's graceful phase. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;
    private static final long DRAIN_SECONDS = 5;

    private static final Logger log = LoggerFactory.getLogger(GrpcServerLifecycle.class);

    private final GrpcProperties properties;
    private final List<BindableService> services;
    private final TokenAuthInterceptor auth;
    private final String inProcessName;
    private volatile Server network;
    private volatile Server inProcess;

    GrpcServerLifecycle(GrpcProperties properties, List<BindableService> services, TokenAuthInterceptor auth, String inProcessName) {
        this.properties = properties;
        this.services = List.copyOf(services);
        this.auth = auth;
        this.inProcessName = inProcessName;
    }

    /** The bound network port (useful when GRPC_PORT is 0); -1 before start. */
    int port() {
        Server s = network;
        return s == null ? -1 : s.getPort();
    }

    boolean serving() {
        Server s = network;
        return s != null && !s.isShutdown();
    }

    @Override
    public void start() {
        NettyServerBuilder builder = NettyServerBuilder.forPort(properties.port())
                .maxInboundMessageSize(properties.maxMessageBytes())
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true);
        if (properties.tls()) {
            try {
                builder.sslContext(GrpcSslContexts.forServer(new File(properties.tlsCert()), new File(properties.tlsKey())).build());
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalStateException("GRPC_TLS_CERT/GRPC_TLS_KEY: cannot use " + properties.tlsCert() + " and "
                        + properties.tlsKey() + " for TLS: " + e.getMessage(), e);
            }
        }
        InProcessServerBuilder local = InProcessServerBuilder.forName(inProcessName)
                .maxInboundMessageSize(properties.maxMessageBytes());
        for (BindableService service : services) {
            builder.addService(ServerInterceptors.intercept(service, auth));
            local.addService(ServerInterceptors.intercept(service, auth));
        }
        try {
            network = builder.build().start();
            inProcess = local.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException("GRPC_PORT: cannot listen on port " + properties.port() + ": " + e.getMessage(), e);
        }
        log.atInfo().addKeyValue("event", "GrpcServerStarted").addKeyValue("port", network.getPort())
                .addKeyValue("tls", properties.tls()).addKeyValue("services", services.size())
                .log("gRPC listening on port {} ({}, {})", network.getPort(), properties.tls() ? "TLS" : "plaintext",
                        auth == null ? "no auth" : "bearer tokens when configured");
    }

    @Override
    public void stop() {
        Server n = network;
        Server l = inProcess;
        if (n == null) return;
        // Log streams never end on their own: give calls a moment, then cut them. Workers reconnect to the next
        // server and resume from the last acknowledged sequence, so cutting loses nothing.
        n.shutdown();
        l.shutdown();
        try {
            if (!n.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS)) n.shutdownNow().awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS);
            if (!l.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS)) l.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            n.shutdownNow();
            l.shutdownNow();
        }
        log.atInfo().addKeyValue("event", "GrpcServerStopped").log("gRPC server stopped");
    }

    @Override
    public boolean isRunning() {
        Server s = network;
        return s != null && !s.isShutdown();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
