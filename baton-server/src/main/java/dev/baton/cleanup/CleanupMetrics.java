package dev.baton.cleanup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code cleanup.removed{kind=worktree|report|archive|checkpoint}} and {@code baton.disk.free{root=...}}.
 * The latter exists because WORKTREE_ROOT_PATH and WORKFLOW_ROOT_PATH may lie outside the data folder that
 * Micrometer's {@code disk_free_bytes} watches.
 */
public final class CleanupMetrics {
    public static final String WORKTREE = "worktree";
    public static final String REPORT = "report";
    public static final String ARCHIVE = "archive";
    public static final String CHECKPOINT = "checkpoint";

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> freeBytes = new ConcurrentHashMap<>();

    public CleanupMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (String kind : new String[]{WORKTREE, REPORT, ARCHIVE, CHECKPOINT}) counter(kind);
    }

    public void removed(String kind, long count) {
        if (count > 0) counter(kind).increment(count);
    }

    public void freeBytes(String root, long bytes) {
        freeBytes.computeIfAbsent(root, r -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("baton.disk.free", value, AtomicLong::get).baseUnit("bytes").tag("root", r)
                    .description("Usable space on the file system of a Baton root").register(registry);
            return value;
        }).set(bytes);
    }

    private Counter counter(String kind) {
        return Counter.builder("cleanup.removed").tag("kind", kind).description("Things removed by resource cleanup").register(registry);
    }
}
