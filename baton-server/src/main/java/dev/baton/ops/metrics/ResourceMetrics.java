package dev.baton.ops.metrics;

import dev.baton.engine.DataLayout;
import dev.baton.workflow.Checkpoint;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowRepository;
import dev.baton.workflow.WorkflowRepository.WorkflowQuery;
import dev.baton.workflow.WorkflowStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The gauges of seed 001 §2.1/§2.3 that count what is stored (workflows by status, checkpoints) or
 * what lies on disk (worktrees, workspaces, reports). Counting walks the database and the file tree,
 * so it runs in the background every {@code metrics.refresh-interval-ms} (default 30 s), never on a
 * scrape: a scrape reads the last counts.
 */
@Component
public class ResourceMetrics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResourceMetrics.class);
    private static final Set<WorkflowStatus> ENDED = Set.of(WorkflowStatus.COMPLETED, WorkflowStatus.FAILED, WorkflowStatus.CANCELLED);

    private final WorkflowRepository repository;
    private final DataLayout layout;
    private final Map<WorkflowStatus, AtomicLong> byStatus = new EnumMap<>(WorkflowStatus.class);
    private final AtomicLong successRatePermille = new AtomicLong();
    private final AtomicLong worktrees = new AtomicLong();
    private final AtomicLong worktreeBytes = new AtomicLong();
    private final AtomicLong workspaces = new AtomicLong();
    private final AtomicLong reportFiles = new AtomicLong();
    private final AtomicLong reportBytes = new AtomicLong();
    private final AtomicLong checkpoints = new AtomicLong();
    private final AtomicLong invalidCheckpoints = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("resource-metrics").factory());

    public ResourceMetrics(WorkflowRepository repository, DataLayout layout, MeterRegistry meters,
                           @Value("${metrics.refresh-interval-ms:30000}") long refreshMs) {
        this.repository = repository;
        this.layout = layout;
        for (WorkflowStatus s : WorkflowStatus.values()) {
            AtomicLong n = new AtomicLong();
            byStatus.put(s, n);
            Gauge.builder("workflow.status.count", n, AtomicLong::get).tag("status", s.name()).description("Workflows by status").register(meters);
        }
        gauge(meters, "workflow.success.rate", successRatePermille, "Completed workflows / ended ones (completed, failed, cancelled), 0..1", 1000.0);
        gauge(meters, "worktree.active.count", worktrees, "WorkTrees on disk (one per workflow and repository)", 1);
        gauge(meters, "worktree.disk.usage.bytes", worktreeBytes, "Bytes under the worktree root", 1);
        gauge(meters, "workspace.active.count", workspaces, "Workspaces on disk (one per work)", 1);
        gauge(meters, "report.file.count", reportFiles, "Report files of all workflows", 1);
        gauge(meters, "report.disk.usage.bytes", reportBytes, "Bytes of the report files of all workflows", 1);
        gauge(meters, "checkpoint.count", checkpoints, "Checkpoints stored", 1);
        gauge(meters, "checkpoint.invalid.count", invalidCheckpoints, "Checkpoints stored that are invalid (a reorder invalidated them)", 1);
        timer.scheduleWithFixedDelay(this::refresh, 0, Math.max(100, refreshMs), TimeUnit.MILLISECONDS);
    }

    private static void gauge(MeterRegistry meters, String name, AtomicLong value, String what, double divisor) {
        Gauge.builder(name, value, v -> v.get() / divisor).description(what).register(meters);
    }

    /** Counts everything now; called by the background timer, and by tests that cannot wait for it. */
    public synchronized void refresh() {
        try {
            refreshRepository();
        } catch (RuntimeException e) {
            log.warn("cannot count workflows and checkpoints for the metrics: {}", e.toString());
        }
        try {
            refreshFiles();
        } catch (RuntimeException e) {
            log.warn("cannot measure worktrees and reports for the metrics: {}", e.toString());
        }
    }

    private void refreshRepository() {
        Map<WorkflowStatus, Long> counts = new EnumMap<>(WorkflowStatus.class);
        long all = 0, invalid = 0;
        for (int offset = 0; ; offset += 1000) {
            List<Workflow> page = repository.list(new WorkflowQuery(Set.of(), null, 1000, offset));
            for (Workflow wf : page) {
                counts.merge(wf.status(), 1L, Long::sum);
                for (Checkpoint c : repository.checkpoints(wf.id())) {
                    all++;
                    if (!c.valid()) invalid++;
                }
            }
            if (page.size() < 1000) break;
        }
        byStatus.forEach((s, n) -> n.set(counts.getOrDefault(s, 0L)));
        long ended = ENDED.stream().mapToLong(s -> counts.getOrDefault(s, 0L)).sum();
        successRatePermille.set(ended == 0 ? 0 : Math.round(1000.0 * counts.getOrDefault(WorkflowStatus.COMPLETED, 0L) / ended));
        checkpoints.set(all);
        invalidCheckpoints.set(invalid);
    }

    private void refreshFiles() {
        worktreeBytes.set(bytes(layout.worktreeRoot()));
        worktrees.set(dirsAtDepth(layout.worktreeRoot(), 2));
        long ws = 0, files = 0, size = 0;
        for (Path wf : children(layout.workflowRoot())) {
            ws += children(wf.resolve("workspaces")).size();
            Path reports = wf.resolve("reports");
            if (!Files.isDirectory(reports)) continue;
            try (Stream<Path> s = Files.walk(reports)) {
                for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                    files++;
                    size += sizeOf(f);
                }
            } catch (IOException | UncheckedIOException e) {
                log.debug("cannot walk {}: {}", reports, e.toString());
            }
        }
        workspaces.set(ws);
        reportFiles.set(files);
        reportBytes.set(size);
    }

    private static List<Path> children(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    private static long dirsAtDepth(Path root, int depth) {
        List<Path> level = List.of(root);
        for (int i = 0; i < depth; i++) level = level.stream().flatMap(p -> children(p).stream()).toList();
        return level.size();
    }

    /** Bytes of the regular files under root; files that vanish or cannot be read during the walk are skipped. */
    private static long bytes(Path root) {
        if (!Files.isDirectory(root)) return 0;
        AtomicLong sum = new AtomicLong();
        try {
            Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) sum.addAndGet(attrs.size());
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.debug("cannot walk {}: {}", root, e.toString());
        }
        return sum.get();
    }

    private static long sizeOf(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
