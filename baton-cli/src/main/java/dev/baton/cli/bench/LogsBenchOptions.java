package dev.baton.cli.bench;

import picocli.CommandLine.Option;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.Function;

/** The options of {@code bench logs}, mixed into {@link BenchCommand}. */
final class LogsBenchOptions {

    /** The parts of {@code bench logs}. */
    enum Part { THROUGHPUT, LATENCY, BASELINE, SPILL }

    @Option(names = "--log-parts", split = ",", paramLabel = "PART",
            description = "logs: THROUGHPUT, LATENCY, BASELINE, SPILL (default: all).")
    Set<Part> parts = EnumSet.allOf(Part.class);

    @Option(names = "--log-workers", defaultValue = "8", paramLabel = "N", description = "logs: workers streaming at once (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--log-lines", defaultValue = "500000", paramLabel = "N", description = "logs: lines per worker in the throughput run (default ${DEFAULT-VALUE}).")
    int linesPerWorker;

    @Option(names = "--line-bytes", defaultValue = "128", paramLabel = "B", description = "logs: bytes per line (default ${DEFAULT-VALUE}).")
    int lineBytes;

    @Option(names = "--log-rate", defaultValue = "10000", paramLabel = "L", description = "logs: lines/s of the latency runs, over all workers (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--log-seconds", defaultValue = "10", paramLabel = "S", description = "logs: measured seconds of each latency run (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--log-warmup", defaultValue = "3", paramLabel = "S", description = "logs: seconds of each latency run before the measured ones, discarded (default ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--baseline-lines", defaultValue = "40000", paramLabel = "N", description = "logs: lines of the unary baseline's throughput run, over all workers (default ${DEFAULT-VALUE}).")
    int baselineLines;

    @Option(names = "--spill-bytes", defaultValue = "1073741824", paramLabel = "B", description = "logs: backlog a real worker spills to disk while its server stalls (default 1 GiB).")
    long spillBytes;

    LogsBench.Config validated(Function<String, RuntimeException> usage) {
        positive(usage, "--log-workers", workers);
        positive(usage, "--log-lines", linesPerWorker);
        positive(usage, "--log-rate", rate);
        positive(usage, "--log-seconds", seconds);
        if (warmupSeconds < 0) throw usage.apply("--log-warmup must not be negative, was " + warmupSeconds);
        positive(usage, "--baseline-lines", baselineLines);
        if (lineBytes < 16 || lineBytes > 65_536) throw usage.apply("--line-bytes must be within 16..65536, was " + lineBytes);
        if (spillBytes < 1 << 20) throw usage.apply("--spill-bytes must be at least 1 MiB, was " + spillBytes);
        if (parts.isEmpty()) throw usage.apply("--log-parts names no part");
        return new LogsBench.Config(Set.copyOf(parts), workers, linesPerWorker, lineBytes, rate, warmupSeconds, seconds, baselineLines, spillBytes);
    }

    private static void positive(Function<String, RuntimeException> usage, String option, long value) {
        if (value < 1) throw usage.apply(option + " must be at least 1, was " + value);
    }
}
