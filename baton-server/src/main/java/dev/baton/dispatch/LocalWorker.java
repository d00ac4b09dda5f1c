package dev.baton.dispatch;

import dev.baton.agent.AgentLauncher;
import dev.baton.shared.SecretMasker;
import dev.baton.worker.Worker;
import dev.baton.worker.WorkerSettings;
import dev.baton.worker.logs.SpoolSettings;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

/**
 * The server's own worker: a {@link Worker} connected to the server's gRPC services over in-process channels,
 * so agents the server runs itself take the same path as agents on remote workers — the control stream for
 * assignments and results, the log spool and log stream for their output.
 */
public final class LocalWorker implements AutoCloseable {
    /** Name of the in-process gRPC server the server's gRPC lifecycle registers next to the network one. */
    public static final String IN_PROCESS_NAME = "baton-local";
    public static final String WORKER_ID = "baton-local";
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

    private final WorkerSettings settings;
    private final String inProcessName;
    private final AgentLauncher launcher;
    private final Path spoolDir;
    private final SecretMasker masker;
    private final MeterRegistry meters;
    private final Clock clock;
    private volatile Worker worker;

    /**
     * @param token    the embedded worker's token when the server checks tokens (add it with
     *                 {@code WorkerTokens.with(WORKER_ID, token)}), else null
     * @param spoolDir where its log lines wait for the log store (kept across restarts)
     */
    public LocalWorker(String inProcessName, String token, int capacity, AgentLauncher launcher, Path spoolDir, SecretMasker masker,
                       MeterRegistry meters, Clock clock) {
        this.settings = new WorkerSettings(inProcessName, token, WORKER_ID, Map.of(), capacity, null);
        this.inProcessName = inProcessName;
        this.launcher = launcher;
        this.spoolDir = spoolDir;
        this.masker = masker;
        this.meters = meters;
        this.clock = clock;
    }

    /** A fresh random token for the embedded worker (never logged). */
    public static String newToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    public synchronized LocalWorker start() {
        if (worker == null) {
            worker = Worker.start(settings, () -> InProcessChannelBuilder.forName(inProcessName).build(), launcher, spoolDir,
                    SpoolSettings.defaults(), masker, DRAIN_TIMEOUT, meters, clock);
        }
        return this;
    }

    public boolean connected() {
        Worker w = worker;
        return w != null && w.runtime().connected();
    }

    /** Waits until every line its agents printed so far is in the log store; false on timeout. */
    public boolean flushLogs(Duration timeout) {
        Worker w = worker;
        return w == null || w.flushLogs(timeout);
    }

    /** Stops its agents gracefully, lets the log store acknowledge their last lines, then closes the channels. */
    @Override
    public synchronized void close() {
        if (worker != null) worker.close();
    }
}
