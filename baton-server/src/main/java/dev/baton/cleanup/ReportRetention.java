package dev.baton.cleanup;

import dev.baton.engine.Correlation;
import dev.baton.engine.DataLayout;
import dev.baton.shared.Ids;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowRepository;
import dev.baton.workflow.WorkflowStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Seed 001 §7.2: report files older than REPORT_ARCHIVE_DAYS move into
 * {@code <archive>/<workflow>/reports-<date>.tar.gz}; archives older than REPORT_DELETE_DAYS are deleted.
 * Report rows stay: reading an archived report answers "archived or deleted".
 * An archive's modification time is set to the clock's time when it is written: its age counts from then.
 */
@SuppressWarnings("try") // correlation scopes are opened for their effect on the MDC only
public final class ReportRetention {
    private static final Logger log = LoggerFactory.getLogger(ReportRetention.class);
    /** Reports of these workflows are still being written and read by agents (seed: "활성 보존"). */
    private static final Set<WorkflowStatus> ACTIVE = Set.of(WorkflowStatus.CREATED, WorkflowStatus.READY, WorkflowStatus.RUNNING,
            WorkflowStatus.PAUSED);
    private final WorkflowRepository repository;
    private final DataLayout layout;
    private final Clock clock;
    private final Duration archiveAfter;
    private final Duration deleteAfter;
    private final CleanupMetrics metrics;

    public ReportRetention(WorkflowRepository repository, DataLayout layout, Clock clock, Duration archiveAfter, Duration deleteAfter,
                           CleanupMetrics metrics) {
        this.repository = repository;
        this.layout = layout;
        this.clock = clock;
        this.archiveAfter = archiveAfter;
        this.deleteAfter = deleteAfter;
        this.metrics = metrics;
    }

    /** @return how many report files were archived */
    public int archiveOld() {
        Instant now = clock.instant();
        int archived = 0;
        for (Path dir : children(layout.workflowRoot())) {
            if (!Files.isDirectory(dir) || dir.equals(layout.archiveRoot())) continue;
            String id = dir.getFileName().toString();
            Optional<Workflow> wf = repository.find(id);
            if (wf.isPresent() && ACTIVE.contains(wf.get().status())) continue;
            try (var ignored = Correlation.workflow(wf.map(Workflow::correlationId).orElse(null), id)) {
                archived += archive(id, now);
            }
        }
        return archived;
    }

    private int archive(String workflowId, Instant now) {
        Path reports = layout.reportsDir(workflowId);
        try {
            List<Path> old = oldReports(reports, now);
            if (old.isEmpty()) return 0;
            Path target = archiveFile(workflowId, now);
            // Written beside its final name and moved: a crash never leaves a half archive that looks whole.
            Path partial = target.resolveSibling(target.getFileName() + "." + Ids.next("part"));
            try {
                TarGzWriter.write(partial, reports, old);
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
            Files.setLastModifiedTime(target, FileTime.from(now));
            for (Path f : old) Files.deleteIfExists(f);
            deleteEmptyFolders(reports);
            metrics.removed(CleanupMetrics.REPORT, old.size());
            log.atInfo().addKeyValue("event", "ReportsArchived").addKeyValue("files", old.size()).addKeyValue("archive", target.toString())
                    .log("archived {} report file(s) of workflow {} into {}", old.size(), workflowId, target);
            return old.size();
        } catch (IOException | UncheckedIOException e) {
            log.atWarn().addKeyValue("event", "ReportArchiveFailed").addKeyValue("error", e.toString())
                    .log("cannot archive the reports of workflow {}: {}", workflowId, e.getMessage());
            return 0;
        }
    }

    private List<Path> oldReports(Path reports, Instant now) throws IOException {
        if (!Files.isDirectory(reports)) return List.of();
        try (Stream<Path> files = Files.walk(reports)) {
            List<Path> old = new ArrayList<>();
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                if (Ages.olderThan(Files.getLastModifiedTime(f).toInstant(), archiveAfter, now)) old.add(f);
            }
            return old;
        }
    }

    /** {@code reports-<date>.tar.gz}, or {@code reports-<date>-<n>.tar.gz} when that day already has one. */
    private Path archiveFile(String workflowId, Instant now) throws IOException {
        Path dir = layout.archiveRoot().resolve(workflowId);
        Files.createDirectories(dir);
        String date = LocalDate.ofInstant(now, clock.getZone()).toString();
        Path target = dir.resolve("reports-" + date + ".tar.gz");
        for (int n = 2; Files.exists(target); n++) target = dir.resolve("reports-" + date + "-" + n + ".tar.gz");
        return target;
    }

    /** Empty work folders go; the reports folder itself stays, workspaces link to it. */
    private static void deleteEmptyFolders(Path reports) throws IOException {
        try (Stream<Path> dirs = Files.walk(reports)) {
            for (Path d : dirs.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
                if (d.equals(reports)) continue;
                try (Stream<Path> in = Files.list(d)) {
                    if (in.findAny().isEmpty()) Files.delete(d);
                }
            }
        }
    }

    /** @return how many archives were deleted */
    public int deleteExpiredArchives() {
        Instant now = clock.instant();
        int deleted = 0;
        for (Path archive : archivesOldestFirst()) {
            if (Ages.olderThan(modified(archive), deleteAfter, now) && deleteArchive(archive)) deleted++;
        }
        return deleted;
    }

    /** Every archive under ARCHIVE_ROOT_PATH, the oldest first. */
    public List<Path> archivesOldestFirst() {
        List<Path> all = new ArrayList<>();
        for (Path dir : children(layout.archiveRoot())) {
            for (Path f : children(dir)) {
                if (Files.isRegularFile(f) && f.getFileName().toString().endsWith(".tar.gz")) all.add(f);
            }
        }
        all.sort(Comparator.comparing(ReportRetention::modified).thenComparing(Comparator.naturalOrder()));
        return all;
    }

    /** @return false when the file could not be deleted (logged) */
    public boolean deleteArchive(Path archive) {
        String workflowId = archive.getParent().getFileName().toString();
        try (var ignored = Correlation.workflow(repository.find(workflowId).map(Workflow::correlationId).orElse(null), workflowId)) {
            try {
                Files.deleteIfExists(archive);
                try (Stream<Path> left = Files.list(archive.getParent())) {
                    if (left.findAny().isEmpty()) Files.delete(archive.getParent());
                }
            } catch (IOException e) {
                log.atWarn().addKeyValue("event", "ArchiveDeleteFailed").addKeyValue("error", e.toString())
                        .log("cannot delete archive {}: {}", archive, e.getMessage());
                return !Files.exists(archive);
            }
            metrics.removed(CleanupMetrics.ARCHIVE, 1);
            log.atInfo().addKeyValue("event", "ArchiveDeleted").addKeyValue("archive", archive.toString())
                    .log("deleted report archive {}", archive);
            return true;
        }
    }

    private static Instant modified(Path f) {
        try {
            return Files.getLastModifiedTime(f).toInstant();
        } catch (IOException e) {
            return Instant.MIN; // gone or unreadable: sorts first, deleting it is harmless
        }
    }

    private static List<Path> children(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
