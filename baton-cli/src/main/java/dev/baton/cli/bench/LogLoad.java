package dev.baton.cli.bench;

import dev.baton.agent.AgentStart;
import dev.baton.grpc.GrpcAuth;
import dev.baton.grpc.v1.LogBatch;
import dev.baton.grpc.v1.LogEntry;
import dev.baton.grpc.v1.LogStreamGrpc;
import dev.baton.grpc.v1.StreamHello;
import dev.baton.logs.store.LiveSubscription;
import dev.baton.logs.store.LogQuery;
import dev.baton.logs.store.LogStore;
import dev.baton.shared.SecretMasker;
import dev.baton.worker.logs.AgentLogSink;
import dev.baton.worker.logs.LogShipper;
import dev.baton.worker.logs.LogSpool;
import dev.baton.worker.logs.MaskingLogSink;
import dev.baton.worker.logs.ShipperSettings;
import dev.baton.worker.logs.SpoolSettings;
import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The load of the log benchmark: workers that hand lines to the worker's real log path (masking, spool, shipper)
 * exactly as an agent's output pump does, or — the baseline — send each line in a unary call of its own.
 */
final class LogLoad {
    private LogLoad() {
    }

    /** Throughput and storage figures of one run. */
    record Throughput(long lines, long bytes, double producedSeconds, double storedSeconds) {
        double linesPerSecond() {
            return lines / storedSeconds;
        }

        double mibPerSecond() {
            return bytes / storedSeconds / (1 << 20);
        }
    }

    /** Milliseconds from the write to the line on the live stream, after the warm-up. */
    record Latency(Stats millis, long sent, long received, double achievedRate) {
    }

    /** One worker's log path: the spool (with the worker's masking in front) and the shipper over its own channel. */
    static final class StreamingWorker implements AutoCloseable {
        final String id;
        final LogSpool spool;
        final AgentLogSink sink;
        private final ManagedChannel channel;
        private final LogShipper shipper;

        StreamingWorker(LogBenchServer server, int index, Path spoolRoot) {
            this.id = LogBenchServer.workerId(index);
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            this.spool = LogSpool.open(spoolRoot.resolve(id), SpoolSettings.defaults(), meters, Clock.systemUTC());
            this.sink = new MaskingLogSink(spool, SecretMasker.defaults());
            this.channel = server.channel();
            this.shipper = LogShipper.start(channel, spool, ShipperSettings.of(id, LogBenchServer.token(index)), meters);
        }

        @Override
        public void close() throws InterruptedException {
            shipper.close();
            spool.close();
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** A line of exactly {@code bytes} ASCII characters starting with {@code index}, so the receiver can tell which it is. */
    static String line(long index, int bytes) {
        String head = String.format("%012d ", index);
        StringBuilder b = new StringBuilder(bytes).append(head);
        for (int i = head.length(); i < bytes; i++) b.append((char) ('a' + i % 26));
        return b.toString();
    }

    /** Every worker writes {@code perWorker} lines as fast as it can; done when the store holds them all durably. */
    static Throughput throughput(LogBenchServer server, List<StreamingWorker> workers, int perWorker, int lineBytes) throws InterruptedException {
        String[] lines = new String[1024];
        for (int i = 0; i < lines.length; i++) lines[i] = line(i, lineBytes);
        long t0 = System.nanoTime();
        List<Thread> producers = new ArrayList<>();
        for (StreamingWorker w : workers) {
            producers.add(Thread.ofPlatform().name("bench-producer-" + w.id).start(() -> {
                for (int k = 0; k < perWorker; k++) w.sink.line("wf-throughput", "t-" + w.id, AgentStart.Source.STDOUT, lines[k & 1023], false);
            }));
        }
        for (Thread t : producers) t.join();
        long produced = System.nanoTime() - t0;
        awaitStored(server.store, workers, perWorker, Duration.ofMinutes(10));
        long stored = System.nanoTime() - t0;
        long total = (long) perWorker * workers.size();
        return new Throughput(total, total * lineBytes, produced / 1e9, stored / 1e9);
    }

    private static void awaitStored(LogStore store, List<StreamingWorker> workers, long perWorker, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (StreamingWorker w : workers) {
            while (store.highWaterMark(w.id, w.spool.streamId()) < perWorker) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("worker " + w.id + ": only " + store.highWaterMark(w.id, w.spool.streamId()) + " of "
                            + perWorker + " lines stored after " + timeout.toSeconds() + " s");
                }
                Thread.sleep(2);
            }
        }
    }

    /** How one paced line is sent; {@code k} is the sender's own count (its sequence is k + 1). */
    @FunctionalInterface
    interface Sender {
        void send(int worker, long k, String workflowId, String message) throws Exception;
    }

    /** The worker's real log path as the sender. */
    static Sender streaming(List<StreamingWorker> workers) {
        return (w, k, wf, message) -> workers.get(w).sink.line(wf, "t-lat", AgentStart.Source.STDOUT, message, false);
    }

    /** The baseline: one blocking unary Append per line, hello included, each worker on its own channel. */
    static Sender unary(List<ManagedChannel> channels, String streamPrefix, Clock clock) {
        List<LogStreamGrpc.LogStreamBlockingStub> stubs = new ArrayList<>();
        for (int i = 0; i < channels.size(); i++) {
            stubs.add(LogStreamGrpc.newBlockingStub(channels.get(i)).withCallCredentials(GrpcAuth.bearer(LogBenchServer.token(i))));
        }
        return (w, k, wf, message) -> {
            java.time.Instant now = clock.instant();
            long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
            stubs.get(w).append(LogBatch.newBuilder()
                    .setHello(StreamHello.newBuilder().setWorkerId(LogBenchServer.workerId(w)).setStreamId(streamPrefix + w))
                    .addEntries(LogEntry.newBuilder().setSequence(k + 1).setTimestampUnixNanos(nanos).setTaskId("t-lat").setWorkflowId(wf)
                            .setLevel(LogEntry.Level.INFO).setSource(LogEntry.Source.STDOUT).setMessage(message))
                    .build());
        };
    }

    /**
     * Sends {@code rate} lines/s in total, spread over {@code workers} paced threads, for {@code warmupSeconds}
     * of warm-up (not counted: class loading and the JIT make the first second slow) plus {@code seconds},
     * while a live subscriber of the store notes when each line arrives.
     */
    static Latency latency(LogStore store, String workflowId, int workers, int rate, int warmupSeconds, int seconds, int lineBytes, Sender sender)
            throws InterruptedException {
        int warmup = rate * warmupSeconds;
        int total = rate * (warmupSeconds + seconds);
        long[] sent = new long[total];
        long[] received = new long[total];
        AtomicInteger arrived = new AtomicInteger();
        LiveSubscription live = store.follow(LogStore.logKey(workflowId, LogBenchServer.workerId(0)), LogQuery.all(), l -> {
            int i = Integer.parseInt(l.message().substring(0, 12));
            if (i < total && received[i] == 0) {
                received[i] = System.nanoTime();
                arrived.incrementAndGet();
            }
        });
        long intervalNanos = (long) (workers * 1e9 / rate);
        long start = System.nanoTime() + 50_000_000L;
        List<Thread> senders = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int worker = w;
            senders.add(Thread.ofPlatform().name("bench-paced-" + w).start(() -> {
                for (long k = 0; ; k++) {
                    int i = (int) (k * workers + worker);
                    if (i >= total) return;
                    long due = start + k * intervalNanos;
                    long wait = due - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                    String message = line(i, lineBytes);
                    sent[i] = System.nanoTime();
                    try {
                        sender.send(worker, k, workflowId, message);
                    } catch (Exception e) {
                        throw new IllegalStateException("sending line " + i + " failed: " + e.getMessage(), e);
                    }
                }
            }));
        }
        for (Thread t : senders) t.join();
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (arrived.get() < total && System.nanoTime() < deadline) Thread.sleep(5);
        live.close();
        String dump = System.getenv("BATON_BENCH_LATENCY_DUMP");
        if (dump != null) {
            StringBuilder csv = new StringBuilder("index,sentMs,latencyMs\n");
            for (int i = 0; i < total; i++) csv.append(i).append(',').append((sent[i] - start) / 1e6).append(',').append(received[i] == 0 ? -1 : (received[i] - sent[i]) / 1e6).append('\n');
            try {
                java.nio.file.Files.writeString(Path.of(dump), csv);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        double[] millis = new double[total - warmup];
        int n = 0;
        for (int i = warmup; i < total; i++) if (received[i] != 0) millis[n++] = (received[i] - sent[i]) / 1e6;
        return new Latency(Stats.of(java.util.Arrays.copyOf(millis, n)), total - warmup, n, total / sendSeconds);
    }

    /** The baseline's throughput: {@code total} lines in unary calls from every worker's thread at once. */
    static Throughput unaryThroughput(List<ManagedChannel> channels, int total, int lineBytes, Clock clock) throws InterruptedException {
        Sender unary = unary(channels, "baseline-throughput-", clock);
        int perWorker = total / channels.size();
        String[] lines = new String[1024];
        for (int i = 0; i < lines.length; i++) lines[i] = line(i, lineBytes);
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < channels.size(); w++) {
            int worker = w;
            threads.add(Thread.ofPlatform().name("bench-unary-" + w).start(() -> {
                for (int k = 0; k < perWorker; k++) {
                    try {
                        unary.send(worker, k, "wf-baseline", lines[k & 1023]);
                    } catch (Exception e) {
                        throw new IllegalStateException("unary call " + k + " of worker " + worker + " failed: " + e.getMessage(), e);
                    }
                }
            }));
        }
        for (Thread t : threads) t.join();
        double seconds = (System.nanoTime() - t0) / 1e9; // every call returned after its line was stored
        long sent = (long) perWorker * channels.size();
        return new Throughput(sent, sent * lineBytes, seconds, seconds);
    }
}
