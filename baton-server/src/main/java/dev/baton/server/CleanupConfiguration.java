package dev.baton.server;

import dev.baton.cleanup.CheckpointCleanup;
import dev.baton.cleanup.CleanupMetrics;
import dev.baton.cleanup.CleanupScheduler;
import dev.baton.cleanup.DiskMonitor;
import dev.baton.cleanup.ForcedCleanup;
import dev.baton.cleanup.FreeSpace;
import dev.baton.cleanup.ReportRetention;
import dev.baton.cleanup.ResourceCleanup;
import dev.baton.cleanup.WorktreeCleanup;
import dev.baton.engine.DataLayout;
import dev.baton.engine.Engine;
import dev.baton.shared.BatonException;
import dev.baton.workflow.WorkflowRepository;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.support.CronExpression;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Wires resource cleanup (seed 001 §7): the rules, the disk monitor and their schedule. */
@Configuration(proxyBeanMethods = false)
public class CleanupConfiguration {
    private static final long GB = 1024L * 1024 * 1024;

    @Bean
    CleanupMetrics cleanupMetrics(MeterRegistry meters) {
        return new CleanupMetrics(meters);
    }

    @Bean
    WorktreeCleanup worktreeCleanup(WorkflowRepository repository, Engine engine, DataLayout layout, Clock clock,
                                    EngineProperties.Workflow wf, CleanupMetrics metrics) {
        return new WorktreeCleanup(repository, engine::removeWorktrees, layout, clock, Duration.ofHours(wf.worktreeCleanupTtlHours()), metrics);
    }

    @Bean
    ReportRetention reportRetention(WorkflowRepository repository, DataLayout layout, Clock clock, EngineProperties.Workflow wf,
                                    CleanupMetrics metrics) {
        return new ReportRetention(repository, layout, clock, Duration.ofDays(wf.reportArchiveDays()), Duration.ofDays(wf.reportDeleteDays()), metrics);
    }

    @Bean
    CheckpointCleanup checkpointCleanup(WorkflowRepository repository, Clock clock, EngineProperties.Workflow wf, CleanupMetrics metrics) {
        return new CheckpointCleanup(repository, clock, Duration.ofDays(wf.checkpointCleanupDays()), metrics);
    }

    @Bean
    ResourceCleanup resourceCleanup(WorktreeCleanup worktrees, ReportRetention reports, CheckpointCleanup checkpoints) {
        return new ResourceCleanup(worktrees, reports, checkpoints);
    }

    @Bean
    DiskMonitor diskMonitor(DataLayout layout, EngineProperties.Cleanup cleanup, WorktreeCleanup worktrees, ReportRetention reports,
                            CleanupMetrics metrics) {
        if (cleanup.diskCriticalThresholdGb() > cleanup.diskWarningThresholdGb()) {
            throw new BatonException.Invalid("cleanup.disk-thresholds", "DISK_CRITICAL_THRESHOLD_GB (" + cleanup.diskCriticalThresholdGb()
                    + ") must not exceed DISK_WARNING_THRESHOLD_GB (" + cleanup.diskWarningThresholdGb() + ")");
        }
        Map<String, java.nio.file.Path> roots = new LinkedHashMap<>();
        roots.put("worktree", layout.worktreeRoot());
        roots.put("workflow", layout.workflowRoot());
        return new DiskMonitor(roots, FreeSpace.fileSystem(), cleanup.diskWarningThresholdGb() * GB, cleanup.diskCriticalThresholdGb() * GB,
                new ForcedCleanup(worktrees, reports), metrics);
    }

    @Bean(destroyMethod = "close")
    CleanupScheduler cleanupScheduler(ResourceCleanup cleanup, DiskMonitor disk, EngineProperties.Cleanup p, Clock clock) {
        CronExpression cron = CleanupCron.parse(p.scheduleCron());
        return new CleanupScheduler(cleanup, t -> {
            var next = cron.next(t.atZone(clock.getZone()));
            return next == null ? null : next.toInstant();
        }, disk, Duration.ofMillis(p.diskCheckIntervalMs()), clock);
    }
}
