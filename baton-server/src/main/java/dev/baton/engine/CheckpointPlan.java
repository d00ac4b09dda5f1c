package dev.baton.engine;

import dev.baton.git.DiffApplier;
import dev.baton.shared.Ids;
import dev.baton.workflow.Checkpoint;
import dev.baton.workflow.Task;
import dev.baton.workflow.Work;
import dev.baton.workflow.WorkStatus;
import dev.baton.workflow.Workflow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides where a run starts: after the longest prefix of works that are COMPLETED and have a valid
 * checkpoint at their current sequence. The worktrees are put back exactly at the commit of that last
 * checkpoint (or at the base commit the workflow started from), so nothing a stopped or crashed work
 * half-did leaks into its second attempt.
 */
final class CheckpointPlan {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CheckpointPlan.class);
    /** The sequence recorded for the commit a workflow's branch started from. */
    static final int BASE_SEQUENCE = -1;
    static final String BASE_WORK = "base";

    private final List<Checkpoint> checkpoints;

    CheckpointPlan(List<Checkpoint> checkpoints) {
        this.checkpoints = new ArrayList<>(checkpoints);
    }

    /** Restores the worktrees and resets the works that will run again; returns the first sequence to run. */
    int restore(Workflow wf, Map<String, Path> worktrees, EngineContext ctx) {
        recordBase(wf, worktrees, ctx);
        int from = firstToRun(wf);
        for (var e : worktrees.entrySet()) {
            Checkpoint target = (from == 0 ? find(BASE_WORK, BASE_SEQUENCE, e.getKey())
                    : find(wf.works().get(from - 1).id(), from - 1, e.getKey())).orElseThrow();
            Path repository = wf.repositories().stream().filter(r -> r.name().equals(e.getKey())).findFirst().orElseThrow().path();
            ctx.git().withRepositoryLock(repository, () -> restore(e.getValue(), target.commitSha(), ctx));
        }
        for (Work w : wf.works()) {
            if (w.sequence() < from) continue;
            for (Task t : w.tasks()) {
                if (t.status() != dev.baton.workflow.TaskStatus.PENDING) ctx.repository().save(t.reset());
            }
            if (w.status() != WorkStatus.PENDING) ctx.repository().save(ctx.repository().require(wf.id()).work(w.id()).orElseThrow().reset());
        }
        return from;
    }

    /**
     * Resets a worktree to its checkpoint, dropping what an interrupted agent half-did, but keeps the diffs the
     * git manager applied since: they are accepted work, replayed on top of the checkpoint.
     */
    private static Void restore(Path worktree, String checkpoint, EngineContext ctx) {
        List<String> applied = ctx.git().commitsSince(worktree, checkpoint, DiffApplier.COMMIT_PREFIX);
        ctx.git().resetHard(worktree, checkpoint);
        for (String commit : applied) {
            var a = ctx.git().cherryPick(worktree, commit);
            if (!a.succeeded()) {
                log.error("the applied diff {} does not apply on top of the checkpoint {} any more and is left out (it stays in the reflog): {}",
                        commit, checkpoint, a.error());
            }
        }
        return null;
    }

    int firstToRun(Workflow wf) {
        int from = 0;
        for (Work w : wf.works()) {
            if (w.status() != WorkStatus.COMPLETED) break;
            boolean allValid = wf.repositories().stream().allMatch(r -> find(w.id(), w.sequence(), r.name()).isPresent());
            if (!allValid) break;
            from = w.sequence() + 1;
        }
        return from;
    }

    private Optional<Checkpoint> find(String workId, int sequence, String repository) {
        Checkpoint found = null;
        for (Checkpoint c : checkpoints) {
            if (c.valid() && c.workId().equals(workId) && c.workSequence() == sequence && c.repository().equals(repository)) found = c;
        }
        return Optional.ofNullable(found);
    }

    private void recordBase(Workflow wf, Map<String, Path> worktrees, EngineContext ctx) {
        for (var e : worktrees.entrySet()) {
            if (find(BASE_WORK, BASE_SEQUENCE, e.getKey()).isEmpty()) {
                checkpoints.add(ctx.repository().addCheckpoint(new Checkpoint(Ids.next("cp"), wf.id(), BASE_WORK, BASE_SEQUENCE,
                        e.getKey(), ctx.git().head(e.getValue()), true, ctx.clock().instant(), null)));
            }
        }
    }

    /**
     * Checkpoint ids a reorder makes invalid: from the first work whose sequence changed on, every later
     * checkpoint builds on a history that no longer holds.
     */
    static List<String> invalidatedBy(List<Work> before, List<String> newOrder, List<Checkpoint> checkpoints) {
        int firstMoved = newOrder.size();
        for (int i = 0; i < newOrder.size(); i++) {
            String id = newOrder.get(i);
            int old = before.stream().filter(w -> w.id().equals(id)).findFirst().orElseThrow().sequence();
            if (old != i) {
                firstMoved = i;
                break;
            }
        }
        List<String> invalid = new ArrayList<>();
        for (Checkpoint c : checkpoints) {
            if (c.valid() && c.workSequence() >= firstMoved) invalid.add(c.id());
        }
        return invalid;
    }
}
