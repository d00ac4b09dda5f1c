package dev.baton.mcp.check;

import dev.baton.mcp.McpConfigMerge;
import dev.baton.mcp.McpServer;
import dev.baton.shared.BatonException;
import dev.baton.shared.Ids;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Checks every registered MCP server with a handshake ({@link McpHandshake}) at start-up — in the background,
 * start-up does not wait — and then every HEALTH_CHECK_INTERVAL_MS. A timeout is logged at WARN and tried once
 * more; a server that still does not answer (or fails otherwise) is unreachable for this round and counts one
 * {@code mcp.validation.failure{server}}. {@code mcp.connection.active} is the number reachable in the last
 * round, and /ready's {@code mcpServers} check shows that round.
 */
public final class McpConnectionMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(McpConnectionMonitor.class);

    private final McpConfigMerge servers;
    private final McpHandshake handshake;
    private final Duration timeout;
    private final Duration interval;
    private final Clock clock;
    private final Map<String, Counter> failures = new LinkedHashMap<>();
    private final AtomicReference<Round> last = new AtomicReference<>();
    private final CompletableFuture<Round> first = new CompletableFuture<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("mcp-check").factory());
    private final ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor();

    /** One server's state after a round. */
    public record ServerStatus(String name, boolean reachable, long responseTimeMs, String error) {
    }

    /** The outcome of one round over all servers. */
    public record Round(Instant at, List<ServerStatus> servers) {
        public long reachable() {
            return servers.stream().filter(ServerStatus::reachable).count();
        }
    }

    /**
     * @param servers  the registry (and how {@code ${NAME}} is resolved) of the servers to check
     * @param timeout  MCP_VALIDATION_TIMEOUT_MS, per attempt
     * @param interval HEALTH_CHECK_INTERVAL_MS, between rounds
     */
    public McpConnectionMonitor(McpConfigMerge servers, McpHandshake handshake, Duration timeout, Duration interval, Clock clock, MeterRegistry meters) {
        this.servers = servers;
        this.handshake = handshake;
        this.timeout = timeout;
        this.interval = interval;
        this.clock = clock;
        Gauge.builder("mcp.connection.active", last, r -> r.get() == null ? 0 : r.get().reachable())
                .description("MCP servers that answered the initialize handshake in the last check").register(meters);
        // One series per server from the start (at 0), so an increase() over the first failure is seen.
        for (McpServer s : servers.registry().servers()) {
            failures.put(s.name(), Counter.builder("mcp.validation.failure").tag("server", s.name())
                    .description("MCP server checks that failed (no answer after the retry, or an error)").register(meters));
        }
        if (servers.registry().isEmpty()) first.complete(new Round(clock.instant(), List.of()));
    }

    /** Starts the first round now (in the background) and the later ones every interval. */
    public void start() {
        if (servers.registry().isEmpty()) return;
        timer.scheduleWithFixedDelay(this::runQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runQuietly() {
        try {
            runOnce();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("MCP server check failed: {}", e.toString(), e);
        }
    }

    /** One round over every server, in parallel; also what tests call instead of waiting for the timer. */
    public Round runOnce() throws InterruptedException {
        String correlationId = Ids.next("mcpchk");
        List<CompletableFuture<ServerStatus>> running = new ArrayList<>();
        for (McpServer s : servers.registry().servers()) {
            running.add(CompletableFuture.supplyAsync(() -> {
                MDC.put("correlationId", correlationId);
                try {
                    return check(s.name());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new ServerStatus(s.name(), false, 0, "interrupted");
                } finally {
                    MDC.remove("correlationId");
                }
            }, checks));
        }
        List<ServerStatus> out = new ArrayList<>();
        for (CompletableFuture<ServerStatus> f : running) {
            try {
                out.add(f.get());
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        Round round = new Round(clock.instant(), out);
        Round before = last.getAndSet(round);
        first.complete(round);
        logChanges(before, round, correlationId);
        return round;
    }

    private ServerStatus check(String name) throws InterruptedException {
        McpServer server;
        try {
            server = servers.resolved(name);
        } catch (BatonException.Invalid e) {
            return failed(name, 0, e.getMessage());
        }
        McpHandshake.Attempt a = handshake.check(server, timeout);
        if (a.timedOut()) {
            log.atWarn().addKeyValue("event", "McpServerTimeout").addKeyValue("server", name)
                    .log("MCP server {} did not answer initialize within {} ms; trying once more", name, timeout.toMillis());
            a = handshake.check(server, timeout);
        }
        if (a.reachable()) return new ServerStatus(name, true, a.millis(), null);
        return failed(name, a.millis(), a.error());
    }

    private ServerStatus failed(String name, long millis, String error) {
        failures.get(name).increment();
        log.atWarn().addKeyValue("event", "McpServerUnreachable").addKeyValue("server", name)
                .log("MCP server {} is unreachable: {}", name, error);
        return new ServerStatus(name, false, millis, error);
    }

    /** INFO when a server comes (back), once per change; failures are logged as they happen. */
    private static void logChanges(Round before, Round now, String correlationId) {
        MDC.put("correlationId", correlationId);
        try {
            for (ServerStatus s : now.servers()) {
                boolean was = before != null && before.servers().stream().anyMatch(b -> b.name().equals(s.name()) && b.reachable());
                if (s.reachable() && !was) {
                    log.atInfo().addKeyValue("event", "McpServerReachable").addKeyValue("server", s.name())
                            .log("MCP server {} answered initialize in {} ms", s.name(), s.responseTimeMs());
                }
            }
        } finally {
            MDC.remove("correlationId");
        }
    }

    /** The last round; null until the first one finished. */
    public Round last() {
        return last.get();
    }

    /**
     * /ready's {@code mcpServers}: the last round, waiting up to {@code wait} for the first one. DOWN when a
     * server is unreachable (or the first round is not done); UP with 0/0 when none are configured.
     */
    public Map<String, Object> readiness(Duration wait) {
        Round r;
        try {
            r = first.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            r = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r = null;
        } catch (ExecutionException e) {
            r = null;
        }
        if (last.get() != null) r = last.get();
        Map<String, Object> out = new LinkedHashMap<>();
        int total = servers.registry().servers().size();
        if (r == null) {
            out.put("status", "DOWN");
            out.put("activeConnections", 0);
            out.put("detail", "first check of " + total + " servers still running");
            return out;
        }
        long reachable = r.reachable();
        out.put("status", reachable == r.servers().size() ? "UP" : "DOWN");
        out.put("activeConnections", reachable);
        out.put("detail", reachable + "/" + r.servers().size() + " servers reachable");
        Map<String, Object> each = new LinkedHashMap<>();
        for (ServerStatus s : r.servers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("reachable", s.reachable());
            if (s.reachable()) m.put("responseTime", s.responseTimeMs());
            else m.put("error", s.error());
            each.put(s.name(), m);
        }
        if (!each.isEmpty()) out.put("servers", each);
        out.put("checkedAt", r.at().toString());
        return out;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        checks.shutdownNow();
    }
}
