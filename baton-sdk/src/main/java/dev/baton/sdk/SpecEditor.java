package dev.baton.sdk;

import dev.baton.shared.BatonException;
import dev.baton.spec.store.SpecPatch;
import dev.baton.spec.store.SpecSnapshot;
import dev.baton.spec.store.TaskField;
import dev.baton.spec.store.VersionedSpecFiles;
import dev.baton.workflow.TaskStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The client's writes: each one reads the spec, states its change against what it read (a {@link SpecPatch}) and
 * lets {@link VersionedSpecFiles} merge it under the file's lock. Locked files and I/O failures are retried with
 * the {@link RetryPolicy}; a conflict — another writer changed the same field — is handed back to the caller,
 * except when a fresh read shows that the change still means what the caller meant (see {@link #updateTask}).
 */
final class SpecEditor {
    private static final Logger log = LoggerFactory.getLogger(SpecEditor.class);

    private final String agentId;
    private final RetryPolicy retry;
    private final Counters counters;
    private final VersionedSpecFiles store;
    /**
     * The store calls back with what it wrote on the writing thread, and returns the very same snapshot; that is
     * how a write is told from an update that found nothing left to change (both return a snapshot).
     */
    private final ThreadLocal<SpecSnapshot> lastWrite = new ThreadLocal<>();

    /** @param written told of every write, after the file's lock is released (where pings are sent) */
    SpecEditor(String agentId, RetryPolicy retry, Counters counters, Duration lockTimeout, Consumer<SpecSnapshot> written) {
        this.agentId = agentId;
        this.retry = retry;
        this.counters = counters;
        this.store = new VersionedSpecFiles(lockTimeout, s -> {
            lastWrite.set(s);
            written.accept(s);
        });
    }

    Optional<SpecSnapshot> find(Path file) {
        return retry.call(() -> store.find(file), this::retrying);
    }

    SpecSnapshot read(Path file) {
        return retry.call(() -> store.read(file), this::retrying);
    }

    /**
     * Sets fields of one task, stated against the values just read. Fields that already hold the wanted value are
     * left out; when none is left, nothing is written.
     *
     * <p>On a conflict the spec is read again, and the change is applied again with the fresh values only when
     * that still does what the caller asked: every status still moves forward from where it is now, and every
     * other field still holds the value the change was based on (so the conflict was about something else, such
     * as a file replaced meanwhile). Otherwise the conflict, with both values, goes to the caller.
     *
     * @throws BatonException.NotFound no such task
     * @throws BatonException.Conflict another writer changed a field this change needs
     */
    UpdateOutcome updateTask(Path file, String taskId, Map<TaskField, String> wanted) {
        Map<TaskField, String> basedOn = new EnumMap<>(TaskField.class);
        Function<SpecSnapshot, SpecPatch> patchFor = base -> {
            Map<TaskField, String> current = taskValues(base, taskId);
            basedOn.clear();
            basedOn.putAll(current);
            SpecPatch.Builder patch = SpecPatch.builder();
            wanted.forEach((field, to) -> {
                if (!Objects.equals(current.get(field), to)) patch.task(taskId, field, current.get(field), to);
            });
            return patch.build();
        };
        Predicate<SpecSnapshot> stillMeant = fresh -> {
            Map<TaskField, String> now = taskValues(fresh, taskId);
            return wanted.entrySet().stream().allMatch(w -> {
                String current = now.get(w.getKey());
                if (Objects.equals(current, w.getValue())) return true;
                if (w.getKey() == TaskField.STATUS) return movesForward(current, w.getValue());
                return Objects.equals(current, basedOn.get(w.getKey()));
            });
        };
        return edit(file, patchFor, stillMeant);
    }

    /** Adds a submission entry (seed 000 §2.4); adding the same task and path again changes nothing. */
    UpdateOutcome addSubmission(Path file, String taskId, String diffPath, Instant at) {
        SpecPatch patch = SpecPatch.builder().submission(new SpecPatch.AddSubmission(taskId, diffPath, at)).build();
        // An added entry clashes with nobody: a conflict can only be the file replaced meanwhile, so try again.
        return edit(file, base -> patch, fresh -> true);
    }

    private UpdateOutcome edit(Path file, Function<SpecSnapshot, SpecPatch> patchFor, Predicate<SpecSnapshot> retryAfterConflict) {
        int[] tries = {0};
        for (int round = 1; ; round++) {
            SpecSnapshot base = read(file);
            SpecPatch patch = patchFor.apply(base);
            if (patch.isEmpty()) {
                counters.unchanged.increment();
                return new UpdateOutcome(SpecView.of(base), false, Math.max(1, tries[0]));
            }
            try {
                SpecSnapshot result = retry.call(() -> {
                    tries[0]++;
                    lastWrite.remove();
                    return store.update(file, base.version(), patch);
                }, this::retrying);
                boolean written = lastWrite.get() == result;
                lastWrite.remove();
                (written ? counters.updates : counters.unchanged).increment();
                return new UpdateOutcome(SpecView.of(result), written, tries[0]);
            } catch (BatonException.Conflict conflict) {
                counters.conflicts.increment();
                if (round >= retry.maxTries() || !retryAfterConflict.test(read(file))) {
                    log.info("agent {}: spec {}: {}", agentId, SpecFolder.specIdOf(file), conflict.getMessage());
                    throw conflict;
                }
                counters.conflictRetries.increment();
                log.info("agent {}: spec {}: conflict that does not concern this change, applying it again to the fresh spec: {}",
                        agentId, SpecFolder.specIdOf(file), conflict.getMessage());
            }
        }
    }

    private void retrying(int failedTries, Duration wait, BatonException.Transient failure) {
        counters.transientRetries.increment();
        log.info("agent {}: try {} failed ({}), trying again in {} ms", agentId, failedTries, failure.getMessage(), wait.toMillis());
    }

    private static Map<TaskField, String> taskValues(SpecSnapshot s, String taskId) {
        TaskView task = SpecView.of(s).task(taskId).orElseThrow(() -> new BatonException.NotFound("spec.task-not-found",
                "spec " + s.specId() + " has no task '" + taskId + "'"));
        Map<TaskField, String> values = new EnumMap<>(TaskField.class);
        if (task.status() != null) values.put(TaskField.STATUS, task.status());
        if (task.assignedTo() != null) values.put(TaskField.ASSIGNED_TO, task.assignedTo());
        if (task.startedAt() != null) values.put(TaskField.STARTED_AT, task.startedAt());
        return values;
    }

    /** pending, in-progress, then the finished states: the order in which the merge lets a status move. */
    static boolean movesForward(String from, String to) {
        int f = rank(from);
        int t = rank(to);
        return f >= 0 && t > f; // an unknown word is never moved past, nor moved to, blindly
    }

    private static int rank(String word) {
        if (word == null) return 0;
        try {
            return switch (TaskStatus.fromWord(word.strip())) {
                case PENDING -> 0;
                case IN_PROGRESS -> 1;
                case COMPLETED, FAILED, CANCELLED -> 2;
            };
        } catch (BatonException.Invalid unknown) {
            return -1;
        }
    }
}
