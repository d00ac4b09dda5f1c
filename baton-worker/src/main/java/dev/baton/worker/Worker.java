package dev.baton.worker;

import dev.baton.agent.AgentLauncher;
import dev.baton.shared.SecretMasker;
import dev.baton.worker.logs.LogShipper;
import dev.baton.worker.logs.MaskingLogSink;
import dev.baton.worker.logs.LogSpool;
import dev.baton.worker.logs.ShipperSettings;
import dev.baton.worker.logs.SpoolSettings;
import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A whole worker: the control stream ({@link WorkerRuntime}) running agents, and the log path (agent output →
 * {@link LogSpool} → {@link LogShipper}). {@code baton worker} and the server's embedded worker are both this
 * class, over a network or an in-process channel: one code path.
 *
 * <p>Logs get a channel of their own: a backlog of log batches held back by flow control then never delays
 * a heartbeat or a task result on the control connection.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    private final WorkerRuntime runtime;
    private final LogSpool spool;
    private final LogShipper shipper;
    private final ManagedChannel logChannel;
    private final Duration drainTimeout;
    private final CountDownLatch closed = new CountDownLatch(1);

    private Worker(WorkerRuntime runtime, LogSpool spool, LogShipper shipper, ManagedChannel logChannel, Duration drainTimeout) {
        this.runtime = runtime;
        this.spool = spool;
        this.shipper = shipper;
        this.logChannel = logChannel;
        this.drainTimeout = drainTimeout;
    }

    /**
     * Opens the spool (resuming its stream when the folder holds one), starts shipping, then connects the
     * control stream.
     *
     * @param channels     makes a new channel to the server each call (two are made: control and logs)
     * @param spoolDir     this worker's spool folder; keep it across restarts to resend what was not acknowledged
     * @param masker       applied to every output line before it is spooled: secrets never leave the worker
     * @param drainTimeout how long {@link #close()} waits for the server to acknowledge the last lines
     */
    public static Worker start(WorkerSettings settings, Supplier<ManagedChannel> channels, AgentLauncher launcher, Path spoolDir,
                               SpoolSettings spoolSettings, SecretMasker masker, Duration drainTimeout, MeterRegistry meters, Clock clock) {
        LogSpool spool = LogSpool.open(spoolDir, spoolSettings, meters, clock);
        ManagedChannel logChannel = channels.get();
        ShipperSettings shipping = ShipperSettings.of(settings.workerId(), settings.token());
        if (!settings.metadata().isEmpty()) {
            shipping = new ShipperSettings(shipping.workerId(), shipping.token(), settings.metadata(), shipping.minBackoff(),
                    shipping.maxBackoff(), shipping.maxBatchEntries(), shipping.maxBatchBytes());
        }
        LogShipper shipper = LogShipper.start(logChannel, spool, shipping, meters);
        WorkerRuntime runtime = new WorkerRuntime(settings, channels.get(), launcher, new MaskingLogSink(spool, masker), meters).start();
        log.atInfo().addKeyValue("event", "WorkerStarted").addKeyValue("workerId", settings.workerId())
                .addKeyValue("logStream", spool.streamId()).addKeyValue("spool", spoolDir.toString())
                .log("worker {} started: capacity {}, log stream {} spooled in {}", settings.workerId(), settings.capacity(), spool.streamId(), spoolDir);
        return new Worker(runtime, spool, shipper, logChannel, drainTimeout);
    }

    public WorkerRuntime runtime() {
        return runtime;
    }

    public LogSpool spool() {
        return spool;
    }

    /** Waits until every line so far is acknowledged by the server; false on timeout. */
    public boolean flushLogs(Duration timeout) {
        return shipper.flush(timeout);
    }

    /**
     * Stops the agents gracefully (their last lines still go to the spool), gives the server up to the drain
     * timeout to acknowledge the spool, then closes it: what is still unacknowledged stays on disk for the next
     * start on the same folder.
     */
    @Override
    public synchronized void close() {
        if (closed.getCount() == 0) return;
        runtime.close();
        boolean drained = shipper.flush(drainTimeout);
        shipper.close();
        spool.close();
        logChannel.shutdown();
        try {
            if (!logChannel.awaitTermination(5, TimeUnit.SECONDS)) logChannel.shutdownNow();
        } catch (InterruptedException e) {
            logChannel.shutdownNow();
            Thread.currentThread().interrupt();
        }
        log.atInfo().addKeyValue("event", "WorkerStopped").addKeyValue("workerId", runtime.workerId()).addKeyValue("logsDrained", drained)
                .log(drained ? "worker {} stopped, every log line acknowledged" : "worker {} stopped; unacknowledged log lines stay in the spool for the next start",
                        runtime.workerId());
        closed.countDown();
    }

    /** Blocks until {@link #close()} has finished (from a shutdown hook, say). */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }
}
