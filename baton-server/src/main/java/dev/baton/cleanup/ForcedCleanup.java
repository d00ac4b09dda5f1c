package dev.baton.cleanup;

import dev.baton.workflow.Workflow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * What goes when the disk is critically full, in order (seed 001 §7.1 "강제 정리"): the worktrees of finished
 * workflows regardless of TTL, the longest finished first; then report archives, the oldest first.
 */
public final class ForcedCleanup {
    private final WorktreeCleanup worktrees;
    private final ReportRetention reports;

    public ForcedCleanup(WorktreeCleanup worktrees, ReportRetention reports) {
        this.worktrees = worktrees;
        this.reports = reports;
    }

    /** One thing that can be removed to free space; {@code remove} answers whether it went. */
    public record Candidate(String kind, String name, BooleanSupplier remove) {
    }

    public List<Candidate> candidates() {
        List<Candidate> all = new ArrayList<>();
        for (Workflow wf : worktrees.finishedWithWorktrees()) {
            all.add(new Candidate(CleanupMetrics.WORKTREE, wf.id(), () -> worktrees.remove(wf)));
        }
        for (Path archive : reports.archivesOldestFirst()) {
            all.add(new Candidate(CleanupMetrics.ARCHIVE, archive.toString(), () -> reports.deleteArchive(archive)));
        }
        return all;
    }
}
