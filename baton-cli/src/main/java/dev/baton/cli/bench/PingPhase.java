package dev.baton.cli.bench;

import dev.baton.coordination.SpecPings;
import dev.baton.ping.InProcessPingBus;
import dev.baton.ping.Ping;
import dev.baton.ping.PingBus;
import dev.baton.ping.PingBusListener;
import dev.baton.ping.PingType;
import dev.baton.ping.nats.NatsPingBus;
import dev.baton.ping.nats.NatsSettings;
import dev.baton.spec.store.SpecSnapshot;
import dev.baton.spec.store.VersionedSpecFiles;
import dev.baton.spec.watch.SpecDirectoryWatcher;
import dev.baton.spec.watch.WatchSettings;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One path of {@code bench ping}: a fresh spec folder, {@code subscribers} handlers on {@code spec.changed}
 * (each on a NATS connection of its own — a worker each — or all on one in-process bus), the publisher of that
 * path, then the paced writes, and the wait until every subscriber heard of every write.
 *
 * <ul>
 *   <li>direct: {@link VersionedSpecFiles#update} and, in its {@code afterWrite}, {@link SpecPings#changed} —
 *       what the server does for its own writes and the SDK's;</li>
 *   <li>watch-service / watchman: a raw {@link dev.baton.spec.AtomicFiles} write (an outside agent), noticed by
 *       {@link SpecDirectoryWatcher}, the file read for version and sha256, then {@link SpecPings#changed};</li>
 *   <li>baseline: the same raw write, noticed by seed 000's Node.js bridge, which publishes to NATS itself.</li>
 * </ul>
 */
final class PingPhase {
    private static final Duration QUIET = Duration.ofMillis(700);
    private static final Duration QUIET_LIMIT = Duration.ofSeconds(20);
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);
    private static final Pattern SETTLE_IN_CONFIG = Pattern.compile("\"settle\"\\s*:\\s*(\\d+)");

    enum Source { DIRECT, WATCH_SERVICE, WATCHMAN, BASELINE }

    enum Bus { NATS, IN_PROCESS }

    /** A path on a bus, e.g. {@code direct-nats}. */
    record Key(Source source, Bus bus) {
        String name() {
            return source.name().toLowerCase(Locale.ROOT).replace('_', '-') + "-" + bus.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        String label() {
            String what = switch (source) {
                case DIRECT -> "direct (afterWrite)";
                case WATCH_SERVICE -> "watched (WatchService)";
                case WATCHMAN -> "watched (Watchman)";
                case BASELINE -> "baseline (seed bridge)";
            };
            return what + " → " + (bus == Bus.NATS ? "NATS" : "in-process");
        }
    }

    /** @param connections NATS connections the subscribers are spread over (each with its own dispatcher per subscriber) */
    record Config(int files, int writes, int warmup, int subscribers, int connections, double rate, int writerThreads) {
    }

    /** Where the phase finds what it needs. {@code natsUrl} is null when the bench has no NATS server. */
    record Context(Path work, String natsUrl, Path baselineDir, Path bridgeLog, PrintWriter out) {
    }

    /** @param mechanism what noticed the writes ({@code afterWrite}, {@code watch-service}, {@code watchman}) and its settings */
    /** @param cpuBusy share of the machine's CPUs busy (all processes) while the writes ran, -1 unknown; {@code cpuIowait} likewise */
    record Result(Key key, String mechanism, PacedWriters.Result writers, PingLatencyLog.Result latency,
                  long strayBeforeWrites, BaselineBridge.Ready bridge, double cpuBusy, double cpuIowait) {
    }

    /** The phase could not run; {@code skipped} when something it needs is not here (rather than broken). */
    static final class NotMeasured extends Exception {
        final boolean skipped;

        NotMeasured(String message, boolean skipped) {
            super(message);
            this.skipped = skipped;
        }
    }

    private final Key key;
    private final Source source;
    private final Bus bus;
    private final Config config;
    private final Context context;
    private final List<AutoCloseable> resources = new ArrayList<>();

    PingPhase(Key key, Config config, Context context) {
        this.key = key;
        this.source = key.source();
        this.bus = key.bus();
        this.config = config;
        this.context = context;
    }

    Result run() throws Exception {
        try {
            PingSpecFolder folder = PingSpecFolder.create(context.work().resolve(key.name()), config.files());
            PingLatencyLog log = new PingLatencyLog(config.files(), config.warmup() + config.writes(), config.warmup(), config.subscribers());
            PingBus publisher = subscribe(folder, log);
            PublishingPath path = start(folder, log, publisher);
            long stray = awaitQuiet(log);
            CpuSample before = CpuSample.now();
            PacedWriters.Result writers = PacedWriters.run(log, config.warmup(), config.rate(), config.writerThreads(), path.write());
            CpuSample after = CpuSample.now();
            awaitDeliveries(log);
            return new Result(key, path.mechanism(), writers, log.result(), stray, path.bridge(), after.busySince(before), after.iowaitSince(before));
        } finally {
            closeAll();
        }
    }

    private record PublishingPath(PacedWriters.Write write, String mechanism, BaselineBridge.Ready bridge) {
    }

    /** Sets up the subscribers; returns the bus Baton publishes on (null for the baseline, which publishes itself). */
    private PingBus subscribe(PingSpecFolder folder, PingLatencyLog log) throws NotMeasured {
        if (bus == Bus.IN_PROCESS) {
            InProcessPingBus shared = keep(new InProcessPingBus(PingBusListener.NONE));
            for (int s = 0; s < config.subscribers(); s++) shared.subscribe(PingType.SPEC_CHANGED, handler(s, folder, log));
            return shared;
        }
        if (context.natsUrl() == null) throw new NotMeasured("no NATS server", true);
        NatsSettings settings = NatsSettings.defaults(context.natsUrl());
        List<NatsPingBus> connections = new ArrayList<>();
        for (int c = 0; c < Math.min(config.connections(), config.subscribers()); c++) {
            connections.add(keep(NatsPingBus.connect(settings.withConnectionName("bench-subscriber-" + c), PingBusListener.NONE)));
        }
        for (int s = 0; s < config.subscribers(); s++) {
            connections.get(s % connections.size()).subscribe(PingType.SPEC_CHANGED, handler(s, folder, log));
        }
        for (NatsPingBus c : connections) c.flush(Duration.ofSeconds(10)); // every SUB is at the server
        return source == Source.BASELINE ? null : keep(NatsPingBus.connect(settings.withConnectionName("bench-publisher"), PingBusListener.NONE));
    }

    private static Consumer<Ping> handler(int subscriber, PingSpecFolder folder, PingLatencyLog log) {
        return ping -> {
            long now = System.nanoTime();
            int file = folder.indexOf(ping.specId());
            if (file >= 0) log.heard(subscriber, file, ping.version(), now);
        };
    }

    private PublishingPath start(PingSpecFolder folder, PingLatencyLog log, PingBus publisher) throws Exception {
        switch (source) {
            case DIRECT -> {
                SpecPings pings = new SpecPings(publisher, Clock.systemUTC());
                VersionedSpecFiles store = new VersionedSpecFiles(Duration.ofSeconds(10), s -> {
                    log.publishing(folder.indexOf(s.specId()), s.version(), System.nanoTime());
                    pings.changed(s);
                });
                return new PublishingPath(i -> {
                    long version = log.versionOf(i);
                    SpecSnapshot s = store.update(folder.file(log.fileOf(i)), version - 1, PingSpecFolder.patchTo(version));
                    if (s.version() != version) throw new IllegalStateException(s.specId() + " went to version " + s.version() + ", expected " + version);
                }, "VersionedSpecFiles afterWrite → SpecPings", null);
            }
            case WATCH_SERVICE, WATCHMAN -> {
                SpecPings pings = new SpecPings(publisher, Clock.systemUTC());
                VersionedSpecFiles store = new VersionedSpecFiles();
                WatchSettings d = WatchSettings.defaults();
                WatchSettings settings = new WatchSettings(source == Source.WATCHMAN, d.pollInterval(), d.quickCheckInterval(), d.coalesceWindow(), d.watchmanBinary());
                SpecDirectoryWatcher watcher = keep(SpecDirectoryWatcher.start(folder.dir(), settings, change -> {
                    if (!change.exists()) return;
                    store.find(change.file()).ifPresent(s -> {
                        log.publishing(folder.indexOf(s.specId()), s.version(), System.nanoTime());
                        pings.changed(s);
                    });
                }));
                String mechanism = watcher.mechanism();
                String expected = source == Source.WATCHMAN ? "watchman" : "watch-service";
                if (!mechanism.equals(expected)) {
                    throw new NotMeasured("the watcher runs on " + mechanism + ", not " + expected + ": " + watcher.health().detail(), true);
                }
                String detail = "%s, coalesce %d ms%s".formatted(mechanism, settings.coalesceWindow().toMillis(),
                        source == Source.WATCHMAN ? ", settle " + settleOf(folder.dir()) : "");
                return new PublishingPath(i -> folder.writeRaw(log.fileOf(i), log.versionOf(i)), detail, null);
            }
            case BASELINE -> {
                if (context.natsUrl() == null) throw new NotMeasured("no NATS server", true);
                BaselineBridge bridge;
                try {
                    bridge = keep(BaselineBridge.start(context.baselineDir(), folder.dir(), context.natsUrl(), context.bridgeLog(), context.out()));
                } catch (BaselineBridge.Unavailable e) {
                    throw new NotMeasured(e.getMessage(), true);
                }
                BaselineBridge.Ready r = bridge.ready();
                String detail = "node %s bridge.js, watchman %s (%s), settle %s".formatted(r.nodeVersion(), r.watchmanVersion(), r.watcher(),
                        r.settleMs() == null ? "default" : r.settleMs() + " ms");
                return new PublishingPath(i -> folder.writeRaw(log.fileOf(i), log.versionOf(i)), detail, r);
            }
        }
        throw new IllegalStateException("unknown source " + source);
    }

    /** The settle of the root's .watchmanconfig as the watcher left it. */
    private static String settleOf(Path dir) {
        try {
            String config = Files.readString(dir.resolve(".watchmanconfig"));
            Matcher m = SETTLE_IN_CONFIG.matcher(config);
            return m.find() ? m.group(1) + " ms" : "default (20 ms)";
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * Waits until no ping arrived for {@link #QUIET} (a watcher's first listing, the bridge's initial burst), so that
     * writes start on an idle path. @return the pings heard meanwhile
     */
    private long awaitQuiet(PingLatencyLog log) throws InterruptedException {
        long deadline = System.nanoTime() + QUIET_LIMIT.toNanos();
        long seen = log.stray();
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Thread.sleep(50);
            long now = log.stray();
            if (now != seen) {
                seen = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince >= QUIET.toNanos()) {
                break;
            }
        }
        return seen;
    }

    /** Waits until every subscriber heard of every write, or nothing new arrived for a while. */
    private void awaitDeliveries(PingLatencyLog log) throws InterruptedException {
        long deadline = System.nanoTime() + DRAIN_LIMIT.toNanos();
        long last = -1;
        long progressAt = System.nanoTime();
        while (log.delivered() < log.expected() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            long now = log.delivered();
            if (now != last) {
                last = now;
                progressAt = System.nanoTime();
            } else if (System.nanoTime() - progressAt > Duration.ofSeconds(5).toNanos()) {
                // the fallback poller checks every 2 s: 5 s without progress means the rest will not come
                break;
            }
        }
    }

    private <T extends AutoCloseable> T keep(T resource) {
        resources.add(resource);
        return resource;
    }

    /** Closes in reverse order: the publisher's source first, the subscribers last. */
    private void closeAll() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                // a bus or watcher that fails to close must not hide the phase's figures
            }
        }
        resources.clear();
    }
}
