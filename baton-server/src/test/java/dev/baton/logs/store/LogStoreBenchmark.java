package dev.baton.logs.store;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Timing helper (no JMH): 8 streams append N lines of 128-byte messages each into durable storage; prints
 * lines/s and MiB/s of messages. Run: {@code java -cp … dev.baton.logs.store.LogStoreBenchmark [linesPerStream] [dir]}.
 * {@link #run} is also called by {@code LogStoreBenchmarkTest} with a small N, so it keeps working.
 */
public final class LogStoreBenchmark {
    static final int STREAMS = 8;
    static final int BATCH = 1000;
    static final int MESSAGE_BYTES = 128;

    public record Result(long lines, double seconds, double linesPerSecond, double messageMiBPerSecond, long storedBytes) {
    }

    public static void main(String[] args) throws Exception {
        long perStream = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("baton-log-bench");
        for (int round = 1; round <= 3; round++) {
            Path roundDir = dir.resolve("round-" + round);
            Result r = run(roundDir, perStream);
            System.out.printf("round %d: %,d lines in %.2f s = %,.0f lines/s, %.1f MiB/s of messages, %,d bytes on disk%n", round, r.lines(),
                    r.seconds(), r.linesPerSecond(), r.messageMiBPerSecond(), r.storedBytes());
            try (var files = Files.walk(roundDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    public static Result run(Path dir, long perStream) throws Exception {
        String filler = "x".repeat(MESSAGE_BYTES);
        Map<String, String> pod = Map.of("pod_name", "worker-0", "namespace", "baton", "node", "n1");
        try (LogStore store = LogStore.open(dir, LogStoreSettings.defaults(), Clock.systemUTC(), new SimpleMeterRegistry())) {
            long start = System.nanoTime();
            List<Thread> producers = new ArrayList<>();
            List<CompletableFuture<Long>> last = new ArrayList<>();
            for (int s = 0; s < STREAMS; s++) {
                String worker = "worker-" + s;
                String workflow = "wf-bench-" + (s % 4);
                CompletableFuture<Long> done = new CompletableFuture<>();
                last.add(done);
                producers.add(Thread.ofPlatform().start(() -> {
                    try {
                        CompletableFuture<Long> tail = null;
                        for (long seq = 1; seq <= perStream; seq += BATCH) {
                            List<NewLine> lines = new ArrayList<>(BATCH);
                            long now = System.currentTimeMillis() * 1_000_000L;
                            for (long q = seq; q < seq + BATCH && q <= perStream; q++) {
                                String prefix = Long.toString(q);
                                String msg = prefix + filler.substring(prefix.length());
                                lines.add(new NewLine(q, now, "task-1", workflow, LogLevel.INFO, LogSource.STDOUT, msg, pod, false, 0, 0));
                            }
                            tail = store.append(new AppendBatch(worker, "stream-" + worker, lines));
                        }
                        done.complete(tail == null ? 0 : tail.get());
                    } catch (Exception e) {
                        done.completeExceptionally(e);
                    }
                }));
            }
            for (CompletableFuture<Long> f : last) f.get();
            double seconds = (System.nanoTime() - start) / 1e9;
            long lines = perStream * STREAMS;
            long stored;
            try (var files = Files.walk(dir)) {
                stored = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            }
            return new Result(lines, seconds, lines / seconds, lines * (double) MESSAGE_BYTES / seconds / (1 << 20), stored);
        }
    }
}
