package dev.baton.ops.health;

import dev.baton.engine.DataLayout;
import dev.baton.git.GitCli;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The dependency checks of /ready (seed 001 §4.4), run in parallel, each within its own timeout:
 * database {@code SELECT 1} (3 s), {@code git --version} (5 s), event bus (3 s), file system writable with
 * free space (3 s), plus the {@link Probe}s features add (MCP servers 10 s, ping bus, workers, …). The
 * answer lists the seed's checks first, in the seed's order.
 */
public final class ReadinessChecks {
    private final DataSource dataSource;
    private final GitCli git;
    private final DataLayout layout;
    private final List<Probe> more;
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    /** Per check: how many runs in a row it was DOWN (gauge ready.check.consecutive.failures{check}). */
    private final Map<String, AtomicInteger> consecutiveFailures = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final EventBusProbe eventBus;

    /**
     * The event bus's line of /ready: {@code status}, {@code type}, {@code queueDepth} and, when DOWN, {@code error}
     * (for Redis a PING within the check's 3 s).
     */
    @FunctionalInterface
    public interface EventBusProbe {
        Map<String, Object> check();

        /** What a bus without a broker answers. */
        EventBusProbe IN_MEMORY = () -> up(Map.of("type", "in-memory", "queueDepth", 0));
    }

    /** A further dependency a feature adds to /ready; its answer carries {@code status} UP or DOWN. */
    public record Probe(String name, Duration timeout, Supplier<Map<String, Object>> check) {
    }

    public ReadinessChecks(DataSource dataSource, GitCli git, DataLayout layout, List<Probe> more, MeterRegistry meters, EventBusProbe eventBus) {
        this.eventBus = eventBus;
        this.dataSource = dataSource;
        this.git = git;
        this.layout = layout;
        this.more = List.copyOf(more);
        this.meters = meters;
        for (String check : List.of("database", "gitClient", "eventBus", "fileSystem")) failures(check);
        for (Probe p : this.more) failures(p.name());
    }

    public ReadinessChecks(DataSource dataSource, GitCli git, DataLayout layout, List<Probe> more, MeterRegistry meters) {
        this(dataSource, git, layout, more, meters, EventBusProbe.IN_MEMORY);
    }

    public ReadinessChecks(DataSource dataSource, GitCli git, DataLayout layout, List<Probe> more) {
        this(dataSource, git, layout, more, null);
    }

    public ReadinessChecks(DataSource dataSource, GitCli git, DataLayout layout) {
        this(dataSource, git, layout, List.of());
    }

    private AtomicInteger failures(String check) {
        return consecutiveFailures.computeIfAbsent(check, c -> {
            AtomicInteger n = new AtomicInteger();
            if (meters != null) {
                Gauge.builder("ready.check.consecutive.failures", n, AtomicInteger::get).tag("check", c)
                        .description("Runs of /ready in a row in which this dependency check failed").register(meters);
            }
            return n;
        });
    }

    public Map<String, Map<String, Object>> run() {
        var db = check(this::database, Duration.ofSeconds(3));
        var gitClient = check(this::git, Duration.ofSeconds(5));
        var bus = check(eventBus::check, Duration.ofSeconds(3));
        var fs = check(this::fileSystem, Duration.ofSeconds(3));
        Map<String, CompletableFuture<Map<String, Object>>> extra = new LinkedHashMap<>();
        for (Probe p : more) extra.put(p.name(), check(p.check(), p.timeout()));
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        out.put("database", db.join());
        out.put("gitClient", gitClient.join());
        // The seed lists mcpServers between gitClient and eventBus.
        CompletableFuture<Map<String, Object>> mcp = extra.remove("mcpServers");
        if (mcp != null) out.put("mcpServers", mcp.join());
        out.put("eventBus", bus.join());
        out.put("fileSystem", fs.join());
        extra.forEach((name, f) -> out.put(name, f.join()));
        out.forEach((name, r) -> {
            AtomicInteger n = failures(name);
            if ("UP".equals(r.get("status"))) n.set(0);
            else n.incrementAndGet();
        });
        return out;
    }

    private CompletableFuture<Map<String, Object>> check(Supplier<Map<String, Object>> probe, Duration timeout) {
        long start = System.nanoTime();
        return CompletableFuture.supplyAsync(() -> {
                    Map<String, Object> r = new LinkedHashMap<>(probe.get());
                    r.putIfAbsent("responseTime", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                    return r;
                }, pool)
                .completeOnTimeout(down("timed out after " + timeout.toMillis() + " ms"), timeout.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(e -> down(e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
    }

    private Map<String, Object> database() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(3);
            s.execute("SELECT 1");
            return up(Map.of());
        } catch (Exception e) {
            return down(e.getMessage());
        }
    }

    private Map<String, Object> git() {
        return up(Map.of("detail", git.version()));
    }

    private Map<String, Object> fileSystem() {
        Map<String, Object> r = new LinkedHashMap<>();
        boolean ok = true;
        for (var e : Map.of("worktreeRoot", layout.worktreeRoot(), "workflowRoot", layout.workflowRoot()).entrySet()) {
            Map<String, Object> d = writable(e.getValue());
            ok &= (Boolean) d.get("available");
            r.put(e.getKey(), d);
        }
        r.put("status", ok ? "UP" : "DOWN");
        return r;
    }

    private static Map<String, Object> writable(Path dir) {
        Map<String, Object> d = new LinkedHashMap<>();
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".ready", ".tmp");
            Files.delete(probe);
            d.put("available", true);
            d.put("freeSpaceGB", Math.round(Files.getFileStore(dir).getUsableSpace() / 1e8) / 10.0);
        } catch (IOException | RuntimeException e) {
            d.put("available", false);
            d.put("error", e.getMessage());
        }
        return d;
    }

    private static Map<String, Object> up(Map<String, Object> details) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("status", "UP");
        r.putAll(details);
        return r;
    }

    private static Map<String, Object> down(String why) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("status", "DOWN");
        r.put("error", why);
        return r;
    }
}
