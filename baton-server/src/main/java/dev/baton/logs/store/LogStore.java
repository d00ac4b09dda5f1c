package dev.baton.logs.store;

import dev.baton.shared.Ids;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's durable log store: append-only segment files per workflow under {@code <root>/<workflowId>/}
 * (lines outside any workflow under {@code <root>/_worker/<workerId>/}), each segment with a sparse index by
 * offset and time. One writer thread group-commits every queued batch with one fsync per touched segment;
 * lines are de-duplicated by (worker, stream, sequence), also across crashes (see {@link LogRecovery}).
 */
public final class LogStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogStore.class);
    /** Logs of lines that name no workflow: {@code _worker/<workerId>}. */
    public static final String WORKER_LOGS = "_worker";
    static final long BLOCK_BYTES = 16 * 1024;

    private final Path root;
    private final LogStoreSettings settings;
    private final Clock clock;
    private final Map<String, WorkflowLog> logs = new ConcurrentHashMap<>();
    private final Map<StreamKey, LogWriter.StreamState> streams = new ConcurrentHashMap<>();
    private final AppendQueue queue;
    private final LogWriter writer;
    private final Thread writerThread;
    private final LogStoreMetrics metrics;
    private final AtomicInteger subscribers = new AtomicInteger();
    private final ScheduledExecutorService retention;

    private LogStore(Path root, LogStoreSettings settings, Clock clock, MeterRegistry meters, LogRecovery recovered) {
        this.root = root;
        this.settings = settings;
        this.clock = clock;
        this.queue = new AppendQueue(settings.queueBytes());
        this.metrics = new LogStoreMetrics(meters, queue::bytes, subscribers::get);
        logs.putAll(recovered.logs);
        recovered.streams.forEach((k, v) -> streams.put(k, new LogWriter.StreamState(v)));
        this.writer = new LogWriter(root, settings, logs, streams, queue, metrics, clock, root.resolve("checkpoint"));
        this.writerThread = Thread.ofPlatform().name("log-store-writer").daemon(false).start(writer);
        this.retention = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("log-retention").daemon(true).unstarted(r));
    }

    /** Opens (recovering if needed) the store in {@code root}, runs retention once and schedules it. */
    public static LogStore open(Path root, LogStoreSettings settings, Clock clock, MeterRegistry meters) throws IOException {
        Files.createDirectories(root);
        long t0 = System.nanoTime();
        LogRecovery recovered = LogRecovery.recover(root, root.resolve("checkpoint"));
        LogStore store = new LogStore(root, settings, clock, meters, recovered);
        log.info("log store opened at {}: {} logs, {} streams, {} records scanned, {} torn bytes truncated, in {} ms", root, recovered.logs.size(),
                recovered.streams.size(), recovered.scannedRecords, recovered.truncatedBytes, (System.nanoTime() - t0) / 1_000_000);
        store.applyRetention();
        long every = settings.retentionInterval().toMillis();
        store.retention.scheduleWithFixedDelay(store::retentionQuietly, every, every, TimeUnit.MILLISECONDS);
        return store;
    }

    public Path root() {
        return root;
    }

    /** The log key of a workflow, or of a worker's lines outside workflows. */
    public static String logKey(String workflowId, String workerId) {
        return LogWriter.keyOf(workflowId == null ? "" : workflowId, workerId);
    }

    /**
     * Queues a batch without waiting. False when the queue is full: call {@link #whenSpace} and try again then
     * (the gRPC service stops requesting messages meanwhile: backpressure).
     *
     * @throws IllegalArgumentException when a line names an unusable workflow or worker id
     */
    public boolean tryAppend(AppendBatch batch, AppendCallback callback) {
        validate(batch);
        if (writer.failure() != null) {
            callback.failed(new IOException("the log store stopped after a write failure: " + writer.failure().getMessage()));
            return true;
        }
        return queue.offer(new AppendQueue.Pending(batch, callback, batch.estimatedBytes()));
    }

    /** Queues a batch, waiting for room; the future completes with the stream's high-water mark once stored. */
    public CompletableFuture<Long> append(AppendBatch batch) throws InterruptedException {
        validate(batch);
        CompletableFuture<Long> done = new CompletableFuture<>();
        queue.put(new AppendQueue.Pending(batch, new AppendCallback() {
            @Override
            public void stored(long highWaterMark) {
                done.complete(highWaterMark);
            }

            @Override
            public void failed(Throwable failure) {
                done.completeExceptionally(failure);
            }
        }, batch.estimatedBytes()));
        return done;
    }

    /** Runs {@code retry} once when the queue has room again (at once if it has now); keep it short. */
    public void whenSpace(Runnable retry) {
        queue.whenSpace(retry);
    }

    /** Highest sequence durably stored for a stream (0: none): what a reconnecting worker resumes after. */
    public long highWaterMark(String workerId, String streamId) {
        LogWriter.StreamState s = streams.get(new StreamKey(workerId, streamId));
        return s == null ? 0 : s.durable;
    }

    /** Highest offset durably stored in a log (0: none). */
    public long endOffset(String logKey) {
        WorkflowLog wl = logs.get(logKey);
        return wl == null ? 0 : wl.durableEnd;
    }

    public LogPage read(String logKey, LogQuery query) {
        WorkflowLog wl = logs.get(logKey);
        if (wl == null) return new LogPage(List.of(), query.after());
        return LogReader.read(wl, query, Long.MAX_VALUE);
    }

    /**
     * Follows a log: every line after {@code query.after()} matching the query, history first then live, no gap
     * and no duplicate, on the subscription's own thread. Close the subscription to stop.
     */
    public LiveSubscription follow(String logKey, LogQuery query, LogListener listener) {
        if (queue.isClosed()) throw new IllegalStateException("the log store is closed");
        WorkflowLog wl = writer.logFor(logKey);
        subscribers.incrementAndGet();
        LiveSubscription s = new LiveSubscription(wl, query, listener, settings.subscriberQueue(), subscribers::decrementAndGet);
        s.start();
        return s;
    }

    /** Live followers right now. */
    public int subscriberCount() {
        return subscribers.get();
    }

    /** True while the writer works and the folder takes new files. */
    public boolean healthy() {
        return writer.failure() == null && !queue.isClosed() && Files.isWritable(root);
    }

    /** Why the store stopped accepting lines, or null. */
    public Throwable failure() {
        return writer.failure();
    }

    /** Deletes sealed segments last written before now minus the retention; never a log's active segment. */
    public int applyRetention() {
        Instant cutoff = clock.instant().minus(settings.retention());
        int deleted = 0;
        for (WorkflowLog wl : logs.values()) {
            List<Segment> snapshot = List.copyOf(wl.segments);
            for (int i = 0; i < snapshot.size() - 1; i++) {
                Segment s = snapshot.get(i);
                try {
                    if (Files.getLastModifiedTime(s.file).toInstant().isBefore(cutoff)) {
                        wl.segments.remove(s);
                        Files.deleteIfExists(s.file);
                        Files.deleteIfExists(s.indexFile);
                        deleted++;
                        log.info("log retention deleted {} (older than {})", s.file, settings.retention());
                    }
                } catch (NoSuchFileException gone) {
                    wl.segments.remove(s);
                } catch (IOException e) {
                    log.warn("log retention cannot delete {}: {}", s.file, e.toString());
                }
            }
        }
        metrics.segmentsDeleted(deleted);
        return deleted;
    }

    private void retentionQuietly() {
        try {
            applyRetention();
        } catch (RuntimeException e) {
            log.warn("log retention failed: {}", e.toString(), e);
        }
    }

    /** Throws IllegalArgumentException naming the field when a batch cannot be stored (ids that could leave the folder). */
    public static void validate(AppendBatch batch) {
        if (batch.workerId() == null || !Ids.isSafe(batch.workerId())) {
            throw new IllegalArgumentException("worker_id '" + batch.workerId() + "' is not usable (letters, digits, '.', '_', '-')");
        }
        if (batch.streamId() == null || batch.streamId().isEmpty()) throw new IllegalArgumentException("stream_id is required");
        String previous = "";
        List<NewLine> lines = batch.lines();
        for (int i = 0; i < lines.size(); i++) {
            String wf = lines.get(i).workflowId();
            if (wf == previous || wf.equals(previous)) continue;
            if (!Ids.isSafe(wf)) {
                throw new IllegalArgumentException("entries[" + i + "].workflow_id '" + wf + "' is not a valid workflow id");
            }
            previous = wf;
        }
    }

    /** Tests: stops the threads as a killed process would, leaving the checkpoint as the last periodic one wrote it. */
    void abandon() {
        writer.abandoned = true;
        close();
    }

    /** Stores what is queued, stops the writer, writes the checkpoint and closes every file. */
    @Override
    public void close() {
        if (queue.isClosed()) return;
        retention.shutdownNow();
        logs.values().forEach(WorkflowLog::closeSubscribers);
        queue.close();
        try {
            writerThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("log store at {} closed", root);
    }
}
