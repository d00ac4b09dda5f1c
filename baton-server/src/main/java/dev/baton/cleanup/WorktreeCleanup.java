package dev.baton.cleanup;

import dev.baton.engine.Correlation;
import dev.baton.engine.DataLayout;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowRepository;
import dev.baton.workflow.WorkflowStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Seed 001 §7.1: the worktrees and {@code baton/<id>} branches of COMPLETED and CANCELLED workflows go once
 * WORKTREE_CLEANUP_TTL_HOURS have passed since they finished. Reports and rows stay.
 */
@SuppressWarnings("try") // correlation scopes are opened for their effect on the MDC only
public final class WorktreeCleanup {
    private static final Logger log = LoggerFactory.getLogger(WorktreeCleanup.class);
    private static final int PAGE = 1000;
    private final WorkflowRepository repository;
    private final WorktreeRemover remover;
    private final DataLayout layout;
    private final Clock clock;
    private final Duration ttl;
    private final CleanupMetrics metrics;

    public WorktreeCleanup(WorkflowRepository repository, WorktreeRemover remover, DataLayout layout, Clock clock, Duration ttl,
                           CleanupMetrics metrics) {
        this.repository = repository;
        this.remover = remover;
        this.layout = layout;
        this.clock = clock;
        this.ttl = ttl;
        this.metrics = metrics;
    }

    /** @return how many workflows had their worktrees removed */
    public int removeExpired() {
        Instant now = clock.instant();
        int removed = 0;
        for (Workflow wf : finishedWithWorktrees()) {
            if (Ages.olderThan(finishedAt(wf), ttl, now) && remove(wf)) removed++;
        }
        return removed;
    }

    /** COMPLETED/CANCELLED workflows whose worktree folder is still there, the longest finished first. */
    public List<Workflow> finishedWithWorktrees() {
        List<Workflow> found = new ArrayList<>();
        for (int offset = 0; ; offset += PAGE) {
            List<Workflow> page = repository.list(new WorkflowRepository.WorkflowQuery(
                    Set.of(WorkflowStatus.COMPLETED, WorkflowStatus.CANCELLED), null, PAGE, offset));
            for (Workflow wf : page) {
                if (Files.isDirectory(layout.worktreeRoot().resolve(wf.id()))) found.add(wf);
            }
            if (page.size() < PAGE) break;
        }
        found.sort(Comparator.comparing(WorktreeCleanup::finishedAt, Comparator.nullsFirst(Comparator.naturalOrder())));
        return found;
    }

    /** @return false when the removal failed (logged; the next run tries again) */
    public boolean remove(Workflow wf) {
        try (var ignored = Correlation.workflow(wf.correlationId(), wf.id())) {
            try {
                remover.remove(wf);
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("event", "WorktreeCleanupFailed").addKeyValue("error", e.toString())
                        .log("cannot remove the worktrees of workflow {}: {}", wf.id(), e.getMessage());
                return false;
            }
            metrics.removed(CleanupMetrics.WORKTREE, 1);
            log.atInfo().addKeyValue("event", "WorktreeRemoved").addKeyValue("finishedAt", finishedAt(wf))
                    .log("removed the worktrees and branch {} of {} workflow {}", "baton/" + wf.id(), wf.status(), wf.id());
            return true;
        }
    }

    /** finishedAt, else updatedAt: rows written before finishedAt existed still age. */
    static Instant finishedAt(Workflow wf) {
        return wf.finishedAt() != null ? wf.finishedAt() : wf.updatedAt();
    }
}
