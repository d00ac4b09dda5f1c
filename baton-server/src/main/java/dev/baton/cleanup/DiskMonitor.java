package dev.baton.cleanup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Seed 001 §7.4: measures the free space of the worktree and workflow roots, logs WARNING/CRITICAL and, when
 * critical, removes what {@link ForcedCleanup} offers until every root is back at the critical threshold or
 * nothing is left.
 */
public final class DiskMonitor {
    private static final Logger log = LoggerFactory.getLogger(DiskMonitor.class);
    private final Map<String, Path> roots;
    private final FreeSpace freeSpace;
    private final long warningBytes;
    private final long criticalBytes;
    private final ForcedCleanup forced;
    private final CleanupMetrics metrics;

    /** @param roots name (the {@code root} tag of {@code baton.disk.free}) → folder */
    public DiskMonitor(Map<String, Path> roots, FreeSpace freeSpace, long warningBytes, long criticalBytes, ForcedCleanup forced,
                       CleanupMetrics metrics) {
        this.roots = new LinkedHashMap<>(roots);
        this.freeSpace = freeSpace;
        this.warningBytes = warningBytes;
        this.criticalBytes = criticalBytes;
        this.forced = forced;
        this.metrics = metrics;
    }

    /** What a check found and did. @param removed kind:name of everything the forced cleanup removed, in order */
    public record Result(DiskStatus status, long freeBytes, List<String> removed) {
    }

    public Result check() {
        long free = measure();
        DiskStatus status = status(free);
        List<String> removed = new ArrayList<>();
        switch (status) {
            case OK -> { }
            case WARNING -> log.atWarn().addKeyValue("event", "DiskSpaceWarning").addKeyValue("freeBytes", free)
                    .log("disk space low: {} MB free, warning below {} MB", mb(free), mb(warningBytes));
            case CRITICAL -> {
                log.atError().addKeyValue("event", "DiskSpaceCritical").addKeyValue("freeBytes", free)
                        .log("disk space critical: {} MB free, critical below {} MB; forcing cleanup", mb(free), mb(criticalBytes));
                for (ForcedCleanup.Candidate c : forced.candidates()) {
                    if (free >= criticalBytes) break;
                    if (c.remove().getAsBoolean()) removed.add(c.kind() + ":" + c.name());
                    free = measure();
                }
                log.atInfo().addKeyValue("event", "DiskForcedCleanupCompleted").addKeyValue("removed", removed.size())
                        .addKeyValue("freeBytes", free)
                        .log("forced cleanup removed {} item(s); {} MB free now{}", removed.size(), mb(free),
                                free < criticalBytes ? ", still critical: nothing left to remove" : "");
            }
        }
        return new Result(status, free, List.copyOf(removed));
    }

    /** The least free space over the roots (they may be on different file systems); updates the gauges. */
    private long measure() {
        long least = Long.MAX_VALUE;
        for (var root : roots.entrySet()) {
            long free = freeSpace.usableBytes(root.getValue());
            metrics.freeBytes(root.getKey(), free);
            least = Math.min(least, free);
        }
        return least;
    }

    DiskStatus status(long free) {
        if (free < criticalBytes) return DiskStatus.CRITICAL;
        if (free < warningBytes) return DiskStatus.WARNING;
        return DiskStatus.OK;
    }

    private static long mb(long bytes) {
        return bytes / (1024 * 1024);
    }
}
