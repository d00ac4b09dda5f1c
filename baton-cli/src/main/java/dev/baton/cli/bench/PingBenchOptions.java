package dev.baton.cli.bench;

import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** The options of {@code bench ping}, mixed into {@link BenchCommand}. */
final class PingBenchOptions {

    @Option(names = "--writes", defaultValue = "5000", paramLabel = "N", description = "ping: measured spec writes per path, after the warm-up (default ${DEFAULT-VALUE}).")
    int writes;

    @Option(names = "--subscribers", defaultValue = "100", paramLabel = "N", description = "ping: spec.changed subscribers, each on a NATS connection of its own (default ${DEFAULT-VALUE}).")
    int subscribers;

    @Option(names = "--subscriber-connections", paramLabel = "N",
            description = "ping: NATS connections the subscribers are spread over (default: one each, as separate workers have).")
    Integer connections;

    @Option(names = "--files", defaultValue = "1000", paramLabel = "N", description = "ping: spec files, written round-robin (default ${DEFAULT-VALUE}).")
    int files;

    @Option(names = "--rate", defaultValue = "100", paramLabel = "W",
            description = "ping: writes per second (default ${DEFAULT-VALUE}: 10,000 deliveries/s to the 100 subscribers; 1000 saturates 2 cores).")
    double rate;

    @Option(names = "--warmup", defaultValue = "500", paramLabel = "N", description = "ping: writes before the measured ones, discarded (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--writer-threads", defaultValue = "4", paramLabel = "N", description = "ping: threads that make the paced writes (default ${DEFAULT-VALUE}).")
    int writerThreads;

    @Option(names = "--paths", split = ",", paramLabel = "PATH",
            description = "ping: DIRECT, WATCH_SERVICE, WATCHMAN, BASELINE (default: all).")
    Set<PingPhase.Source> paths = EnumSet.allOf(PingPhase.Source.class);

    @Option(names = "--buses", split = ",", paramLabel = "BUS",
            description = "ping: NATS, IN_PROCESS for Baton's paths; the baseline always uses NATS (default: both).")
    Set<PingPhase.Bus> buses = EnumSet.allOf(PingPhase.Bus.class);

    /**
     * Checks the numbers; {@code usage} turns a message into the command's usage error.
     *
     * @return the phase settings
     */
    PingPhase.Config validated(Function<String, RuntimeException> usage) {
        positive(usage, "--writes", writes);
        positive(usage, "--subscribers", subscribers);
        positive(usage, "--files", files);
        positive(usage, "--writer-threads", writerThreads);
        if (connections != null) positive(usage, "--subscriber-connections", connections);
        if (warmup < 0) throw usage.apply("--warmup must not be negative");
        if (!(rate > 0) || Double.isInfinite(rate)) throw usage.apply("--rate must be a positive number of writes per second, was " + rate);
        if (paths.isEmpty()) throw usage.apply("--paths names no path");
        if (buses.isEmpty()) throw usage.apply("--buses names no bus");
        return new PingPhase.Config(files, writes, warmup, subscribers, connections == null ? subscribers : Math.min(connections, subscribers),
                rate, writerThreads);
    }

    /** Baton's paths on each chosen bus (NATS first), then the baseline. */
    List<PingPhase.Key> phases() {
        List<PingPhase.Key> phases = new ArrayList<>();
        for (PingPhase.Source s : PingPhase.Source.values()) {
            if (s == PingPhase.Source.BASELINE || !paths.contains(s)) continue;
            for (PingPhase.Bus b : PingPhase.Bus.values()) if (buses.contains(b)) phases.add(new PingPhase.Key(s, b));
        }
        if (paths.contains(PingPhase.Source.BASELINE)) phases.add(new PingPhase.Key(PingPhase.Source.BASELINE, PingPhase.Bus.NATS));
        return phases;
    }

    private static void positive(Function<String, RuntimeException> usage, String option, int value) {
        if (value < 1) throw usage.apply(option + " must be at least 1, was " + value);
    }
}
