package dev.baton.cli.bench;

import dev.baton.cli.ExitCodes;
import io.grpc.ManagedChannel;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code baton bench logs}: the worker → server log path of seed 004 — aggregate throughput from several workers
 * into durable storage, latency from a line's write on a worker to the server's live stream, the same lines sent
 * one unary call per line as the baseline, and a real worker's memory while 1 GiB of backlog spills to disk.
 * See bench/README.md.
 */
final class LogsBench {
    static final double TARGET_MIB_PER_SECOND = 100;
    static final double TARGET_P99_MS = 50;
    static final double TARGET_RSS_MB = 128;

    record Config(Set<LogsBenchOptions.Part> parts, int workers, int linesPerWorker, int lineBytes, int rate, int warmupSeconds, int seconds,
                  int baselineLines, long spillBytes) {
    }

    private final Config config;
    private final Path root;
    private final Path outDir;
    private final String stamp;
    private final boolean keepData;
    private final PrintWriter out;
    private final Map<String, Object> report = new LinkedHashMap<>();

    LogsBench(Config config, Path root, Path outDir, String stamp, boolean keepData, PrintWriter out) {
        this.config = config;
        this.root = root;
        this.outDir = outDir;
        this.stamp = stamp;
        this.keepData = keepData;
        this.out = out;
    }

    int run() throws Exception {
        BenchRun run = BenchRun.start(outDir, "logs", stamp);
        Path work = run.work();
        double loadBefore = run.loadBefore();
        report.put("machine", run.machine());
        report.put("config", config);
        out.printf("Baton log streaming benchmark — %d CPUs, Java %s; load average %.2f (other processes inflate the figures)%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.runtime.version"), loadBefore);
        out.printf("  %d workers (spool → gRPC stream, each on a channel of its own) → LogStream service → log store (fsync per group), all on loopback in this JVM%n",
                config.workers());
        out.println("  data (temporary): " + work);
        out.flush();
        try (LogBenchServer server = LogBenchServer.start(work.resolve("store"), config.workers())) {
            List<LogLoad.StreamingWorker> workers = new ArrayList<>();
            for (int i = 0; i < config.workers(); i++) workers.add(new LogLoad.StreamingWorker(server, i, work.resolve("spools")));
            List<ManagedChannel> unaryChannels = new ArrayList<>();
            for (int i = 0; i < config.workers(); i++) unaryChannels.add(server.channel());
            try {
                if (has(LogsBenchOptions.Part.THROUGHPUT)) throughput(server, workers, work.resolve("store"));
                if (has(LogsBenchOptions.Part.LATENCY)) latency("latency", "1. (cont.) Latency — Baton's log stream", server,
                        LogLoad.streaming(workers), "wf-latency");
                if (has(LogsBenchOptions.Part.BASELINE)) baseline(server, unaryChannels);
            } finally {
                for (LogLoad.StreamingWorker w : workers) w.close();
                for (ManagedChannel c : unaryChannels) c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        if (has(LogsBenchOptions.Part.SPILL)) spill(work);
        summary();
        run.finish(report, keepData, out);
        return ExitCodes.OK;
    }

    private boolean has(LogsBenchOptions.Part part) {
        return config.parts().contains(part);
    }

    private void throughput(LogBenchServer server, List<LogLoad.StreamingWorker> workers, Path storeDir) throws Exception {
        section("1. Throughput — %d workers × %,d lines of %d bytes, as fast as they come, until all are durably stored"
                .formatted(config.workers(), config.linesPerWorker(), config.lineBytes()));
        LogLoad.Throughput t = LogLoad.throughput(server, workers, config.linesPerWorker(), config.lineBytes());
        long disk = directoryBytes(storeDir);
        out.printf("  %,d lines (%.0f MiB of messages) produced in %.2f s, all stored and acknowledged after %.2f s%n",
                t.lines(), t.bytes() / 1048576.0, t.producedSeconds(), t.storedSeconds());
        out.printf("  aggregate: %,.0f lines/s, %.1f MiB/s   target ≥ %.0f MiB/s: %s%n", t.linesPerSecond(), t.mibPerSecond(), TARGET_MIB_PER_SECOND,
                verdict(t.mibPerSecond() >= TARGET_MIB_PER_SECOND));
        out.printf("  store on disk: %.0f MiB (%.0f bytes per line with its fields and index)%n", disk / 1048576.0, (double) disk / t.lines());
        report.put("throughput", Map.of("lines", t.lines(), "messageBytes", t.bytes(), "producedSeconds", Stats.round3(t.producedSeconds()),
                "storedSeconds", Stats.round3(t.storedSeconds()), "linesPerSecond", Math.round(t.linesPerSecond()),
                "mibPerSecond", Stats.round3(t.mibPerSecond()), "storeBytesOnDisk", disk));
        out.flush();
    }

    private LogLoad.Latency latency(String key, String title, LogBenchServer server, LogLoad.Sender sender, String workflowId) throws Exception {
        section("%s — %,d lines/s over %d workers, %d s measured after %d s of warm-up; write → live subscriber of the store"
                .formatted(title, config.rate(), config.workers(), config.seconds(), config.warmupSeconds()));
        LogLoad.Latency l = LogLoad.latency(server.store, workflowId, config.workers(), config.rate(), config.warmupSeconds(), config.seconds(), config.lineBytes(), sender);
        Stats s = l.millis();
        out.printf("  %,d of %,d lines arrived; achieved %,.0f lines/s%n", l.received(), l.sent(), l.achievedRate());
        out.printf("  ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f   target p99 ≤ %.0f ms: %s%n", s.median(), s.p90(), s.p99(), s.max(), TARGET_P99_MS,
                verdict(s.p99() <= TARGET_P99_MS && l.received() == l.sent()));
        report.put(key, Map.of("sent", l.sent(), "received", l.received(), "achievedLinesPerSecond", Math.round(l.achievedRate()), "millis", s.toJson()));
        out.flush();
        return l;
    }

    private void baseline(LogBenchServer server, List<ManagedChannel> channels) throws Exception {
        section("2. Baseline — the same lines, one unary Append call per line (blocking), %d workers at once; %,d lines"
                .formatted(config.workers(), config.baselineLines()));
        LogLoad.Throughput t = LogLoad.unaryThroughput(channels, config.baselineLines(), config.lineBytes(), Clock.systemUTC());
        out.printf("  %,d lines in %.2f s: %,.0f lines/s, %.2f MiB/s%n", t.lines(), t.storedSeconds(), t.linesPerSecond(), t.mibPerSecond());
        report.put("baselineThroughput", Map.of("lines", t.lines(), "seconds", Stats.round3(t.storedSeconds()),
                "linesPerSecond", Math.round(t.linesPerSecond()), "mibPerSecond", Stats.round3(t.mibPerSecond())));
        latency("baselineLatency", "2. (cont.) Latency — baseline, one unary call per line", server,
                LogLoad.unary(channels, "baseline-latency-", Clock.systemUTC()), "wf-latency-baseline");
    }

    private void spill(Path work) throws Exception {
        section("3. Worker memory — a real `baton worker` spills %.0f MiB while its server stalls the log stream".formatted(config.spillBytes() / 1048576.0));
        String launcher = Files.isRegularFile(root.resolve("baton")) ? Files.readString(root.resolve("baton")) : "";
        List<String> options = ServerRssProbe.launcherJvmOptions(launcher, "BATON_WORKER_JAVA_OPTS", System.getenv("BATON_WORKER_JAVA_OPTS"));
        Optional<Path> jar = ServerRssProbe.runningJar();
        WorkerSpillProbe.Result r = new WorkerSpillProbe(Files.createDirectories(work.resolve("spill")), outDir.resolve("logs-" + stamp + "-worker.log"), out)
                .measure(jar, options, config.spillBytes(), config.lineBytes());
        if (r.skipped() != null) {
            out.println("  not measured: " + r.skipped());
            report.put("spill", Map.of("skipped", r.skipped()));
            return;
        }
        out.printf("  %.0f MiB spilled in %.1f s; worker RSS max %.0f MB sampled every 200 ms, VmHWM %.0f MB   target ≤ %.0f MB: %s%n",
                r.spilledBytes() / 1048576.0, r.seconds(), r.maxRssMb(), r.hwmMb(), TARGET_RSS_MB, verdict(r.hwmMb() <= TARGET_RSS_MB));
        report.put("spill", Map.of("spilledBytes", r.spilledBytes(), "seconds", Stats.round3(r.seconds()), "maxRssMb", Stats.round3(r.maxRssMb()),
                "hwmMb", Stats.round3(r.hwmMb()), "command", r.command()));
        out.flush();
    }

    @SuppressWarnings("unchecked")
    private void summary() {
        section("Summary");
        if (report.get("throughput") instanceof Map<?, ?> t && report.get("baselineThroughput") instanceof Map<?, ?> b) {
            double ratio = ((Number) t.get("linesPerSecond")).doubleValue() / ((Number) b.get("linesPerSecond")).doubleValue();
            out.printf("  throughput: stream %,d lines/s vs unary baseline %,d lines/s: %.0f×%n", t.get("linesPerSecond"), b.get("linesPerSecond"), ratio);
            report.put("throughputRatio", Stats.round3(ratio));
        }
        if (report.get("latency") instanceof Map<?, ?> l && report.get("baselineLatency") instanceof Map<?, ?> b) {
            Map<String, Object> lm = (Map<String, Object>) l.get("millis");
            Map<String, Object> bm = (Map<String, Object>) b.get("millis");
            out.printf("  latency at %,d lines/s: stream p50 %s / p99 %s ms vs baseline p50 %s / p99 %s ms%n", config.rate(), lm.get("median"), lm.get("p99"),
                    bm.get("median"), bm.get("p99"));
        }
    }

    private void section(String title) {
        out.println();
        out.println(title);
        out.flush();
    }

    private static long directoryBytes(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static String verdict(boolean pass) {
        return pass ? "PASS" : "MISS";
    }
}
