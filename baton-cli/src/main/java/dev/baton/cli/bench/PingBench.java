package dev.baton.cli.bench;

import dev.baton.cli.ExitCodes;
import dev.baton.shared.FileTrees;
import dev.baton.ping.nats.NatsServerProcess;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code baton bench ping}: latency from a spec write to the {@code spec.changed} handlers of many subscribers,
 * for each of Baton's paths (direct, watched) on each bus (NATS, in-process) and for seed 000's Node.js
 * Watchman → NATS bridge, one {@link PingPhase} after the other on a NATS server of the bench's own. See
 * bench/README.md.
 */
final class PingBench {
    private final PingPhase.Config config;
    private final List<PingPhase.Key> phases;
    private final Path root;
    private final Path outDir;
    private final String stamp;
    private final boolean keepData;
    private final PrintWriter out;

    PingBench(PingPhase.Config config, List<PingPhase.Key> phases, Path root, Path outDir, String stamp, boolean keepData,
              PrintWriter out) {
        this.config = config;
        this.phases = phases;
        this.root = root;
        this.outDir = outDir;
        this.stamp = stamp;
        this.keepData = keepData;
        this.out = out;
    }

    int run() throws IOException {
        Files.createDirectories(outDir);
        Path json = outDir.resolve("ping-" + stamp + ".json");
        Path log = outDir.resolve("ping-" + stamp + ".log");
        Path natsLog = outDir.resolve("ping-" + stamp + "-nats.log");
        Path bridgeLog = outDir.resolve("ping-" + stamp + "-bridge.log");
        BenchLogging logging = BenchLogging.toFile(log);
        Path work = Files.createTempDirectory("baton-bench-ping-");
        PingBenchReport report = new PingBenchReport();
        describeMachine(report);
        double loadBefore = BenchCommand.loadAverage();
        out.printf("Baton ping benchmark — %d CPUs, %s, Java %s; load average %.2f (other processes inflate the figures)%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("java.runtime.version"), loadBefore);
        out.printf("  %d measured writes (+%d warm-up) per path at %.0f writes/s over %d spec files, %d writer threads;%n",
                config.writes(), config.warmup(), config.rate(), config.files(), config.writerThreads());
        out.printf("  %d subscribers, on %d NATS connections for the NATS paths, all in this JVM%n", config.subscribers(), config.connections());
        out.println("  spec folders (temporary): " + work);
        out.println("  log: " + log);
        out.flush();

        NatsServerProcess nats = null;
        String natsProblem = null;
        try {
            nats = NatsServerProcess.onFreePort().logTo(natsLog).start();
            report.machine.put("natsServer", NatsServerProcess.version());
            out.println("  NATS: " + NatsServerProcess.version() + " on " + nats.url() + " (pid " + nats.pid() + ", started for this run)");
        } catch (UncheckedIOException | IllegalStateException e) {
            natsProblem = e.getMessage();
            out.println("  NATS: not available (" + natsProblem + "); the NATS paths and the baseline are not measured");
        }
        PingPhase.Context context = new PingPhase.Context(work, nats == null ? null : nats.url(),
                root.resolve("bench").resolve("ping-baseline"), bridgeLog, out);
        try {
            for (PingPhase.Key key : phases) {
                section(out, key.label());
                PingBenchReport.Outcome outcome = runPhase(key, context, natsProblem);
                report.outcomes.add(outcome);
                PingBenchReport.printPhase(out, outcome);
                out.flush();
            }
        } finally {
            if (nats != null) nats.close();
            if (keepData) out.println("\nSpec folders kept in " + work);
            else deleteQuietly(work);
        }
        double loadAfter = BenchCommand.loadAverage();
        report.machine.put("loadAverageAtStart", Stats.round3(loadBefore));
        report.machine.put("loadAverageAtEnd", Stats.round3(loadAfter));
        report.machine.put("errorLogLines", logging.errorCount());
        section(out, "Comparison (ms from the start of a write to a subscriber's handler; any = every delivery, last = the last subscriber of each write)");
        report.printComparison(out);
        section(out, "Summary (load average %.2f at the start, %.2f at the end; %d CPUs)".formatted(loadBefore, loadAfter,
                Runtime.getRuntime().availableProcessors()));
        report.printSummary(out);
        if (logging.errorCount() > 0) out.println("  " + logging.errorCount() + " ERROR log lines, first: " + logging.errorMessages().getFirst());
        JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        Files.writeString(json, mapper.writeValueAsString(report.toJson()) + "\n");
        out.println();
        out.println("Figures written to " + json);
        out.flush();
        return ExitCodes.OK;
    }

    private PingBenchReport.Outcome runPhase(PingPhase.Key key, PingPhase.Context context, String natsProblem) {
        boolean needsNats = key.bus() == PingPhase.Bus.NATS;
        if (needsNats && context.natsUrl() == null) return new PingBenchReport.Outcome(key, null, "no NATS server: " + natsProblem, true);
        try {
            return new PingBenchReport.Outcome(key, new PingPhase(key, config, context).run(), null, false);
        } catch (PingPhase.NotMeasured e) {
            return new PingBenchReport.Outcome(key, null, e.getMessage(), e.skipped);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PingBenchReport.Outcome(key, null, "interrupted", false);
        } catch (Exception e) {
            return new PingBenchReport.Outcome(key, null, e.toString(), false);
        }
    }

    private void describeMachine(PingBenchReport report) {
        report.machine.put("timestamp", stamp);
        report.machine.put("cpus", Runtime.getRuntime().availableProcessors());
        report.machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        report.machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        report.machine.put("jvmOptions", ManagementFactory.getRuntimeMXBean().getInputArguments());
        report.machine.put("commit", BenchCommand.gitHead(root));
        report.settings.put("writes", config.writes());
        report.settings.put("warmupWrites", config.warmup());
        report.settings.put("subscribers", config.subscribers());
        report.settings.put("files", config.files());
        report.settings.put("rate", config.rate());
        report.settings.put("subscriberNatsConnections", config.connections());
        report.settings.put("writerThreads", config.writerThreads());
        report.settings.put("phases", phases.stream().map(PingPhase.Key::name).toList());
        report.settings.put("latency", "System.nanoTime() in the subscriber's handler − System.nanoTime() just before the write call");
    }

    private static void section(PrintWriter out, String title) {
        out.println();
        out.println(title);
        out.flush();
    }

    private static void deleteQuietly(Path dir) {
        try {
            FileTrees.deleteRecursively(dir);
        } catch (UncheckedIOException e) {
            // a temporary folder left behind is not worth failing the run for
        }
    }
}
