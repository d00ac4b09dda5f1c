package dev.baton.dispatch;

import dev.baton.agent.AgentLauncher;
import dev.baton.worker.WorkerRuntime;
import dev.baton.worker.WorkerSettings;
import dev.baton.worker.logs.AgentLogSink;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.micrometer.core.instrument.MeterRegistry;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * The server's own worker: a {@link WorkerRuntime} connected to the server's control service over an
 * in-process channel, so agents the server runs itself take the same path as agents on remote workers.
 */
public final class LocalWorker implements AutoCloseable {
    /** Name of the in-process gRPC server the server's gRPC lifecycle registers next to the network one. */
    public static final String IN_PROCESS_NAME = "baton-local";
    public static final String WORKER_ID = "baton-local";

    private final WorkerRuntime runtime;

    /**
     * @param token the embedded worker's token when the server checks tokens (add it with
     *              {@code WorkerTokens.with(WORKER_ID, token)}), else null
     */
    public LocalWorker(String inProcessName, String token, int capacity, AgentLauncher launcher, AgentLogSink sink, MeterRegistry meters) {
        WorkerSettings settings = new WorkerSettings(inProcessName, token, WORKER_ID, Map.of(), capacity, null);
        this.runtime = new WorkerRuntime(settings, InProcessChannelBuilder.forName(inProcessName).build(), launcher, sink, meters);
    }

    /** A fresh random token for the embedded worker (never logged). */
    public static String newToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    public LocalWorker start() {
        runtime.start();
        return this;
    }

    public boolean connected() {
        return runtime.connected();
    }

    /** Stops its agents gracefully, then the channel. */
    @Override
    public void close() {
        runtime.close();
    }
}
