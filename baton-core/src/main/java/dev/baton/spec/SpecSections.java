package dev.baton.spec;

import dev.baton.shared.BatonException;
import dev.baton.spec.SpecNode.Location;
import dev.baton.spec.SpecNode.Mapping;
import dev.baton.workflow.TaskStatus;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The parts of a spec file that both readers share: status words, submissions, and the lenient
 * status-update read of seed 000's fields.
 */
final class SpecSections {
    /** Workflow status words plus seed 000's task words, which its agents also write at the top level. */
    static final Set<String> TOP_STATUS_WORDS = Set.of(
            "created", "ready", "running", "paused", "completed", "failed", "cancelled", "pending", "in-progress");
    private static final Set<String> SUBMISSION_KEYS = Set.of("taskId", "path", "timestamp", "status", "commit", "reason");
    private static final String TASK_WORDS = "pending, in-progress, completed, failed, cancelled";

    private SpecSections() {
    }

    static String statusWord(NodeChecks c, Mapping root) {
        String s = c.string(root, "status", "", false);
        if (s != null && !TOP_STATUS_WORDS.contains(s.strip().toLowerCase(Locale.ROOT))) {
            c.add(root.get("status").at(), "status", "unknown status '" + s + "' (expected one of "
                    + String.join(", ", TOP_STATUS_WORDS.stream().sorted().toList()) + ")");
            return null;
        }
        return s == null ? null : s.strip();
    }

    /** The task's status, or null when it states none or states an unknown word (a problem then). */
    static TaskStatus taskStatus(NodeChecks c, Mapping task, String field) {
        String s = c.string(task, "status", field, false);
        if (s == null) return null;
        try {
            return TaskStatus.fromWord(s.strip());
        } catch (BatonException.Invalid e) {
            c.add(task.get("status").at(), field + ".status", "unknown task status '" + s + "' (expected one of " + TASK_WORDS + ")");
            return null;
        }
    }

    /**
     * @param strict  refuse unknown keys (the full parse); outside agents may add their own, so the lenient read does not
     * @param taskIds the ids a submission may name
     */
    static List<Submission> submissions(NodeChecks c, Mapping root, Path diffsRoot, boolean strict, List<String> taskIds) {
        List<SpecNode> items = c.list(root, "submissions", "", false);
        if (items == null) return List.of();
        Set<String> known = Set.copyOf(taskIds);
        List<Submission> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String f = "submissions[" + i + "]";
            Mapping m = c.mapping(items.get(i), f);
            if (m == null) continue;
            if (strict) c.onlyKeys(m, f, SUBMISSION_KEYS);
            String taskId = c.string(m, "taskId", f, true);
            if (taskId != null && !known.contains(taskId)) {
                c.add(m.get("taskId").at(), f + ".taskId", "no task has the id '" + taskId + "'");
                taskId = null;
            }
            Path path = diffPath(c, m, f, diffsRoot);
            Instant timestamp = c.instant(m, "timestamp", f, true);
            SubmissionStatus status = submissionStatus(c, m, f);
            String commit = c.string(m, "commit", f, false);
            String reason = c.string(m, "reason", f, false);
            if (taskId != null && path != null && timestamp != null && status != null) {
                out.add(new Submission(taskId, path, timestamp, status, commit, reason));
            }
        }
        return out;
    }

    private static Path diffPath(NodeChecks c, Mapping m, String f, Path diffsRoot) {
        String raw = c.string(m, "path", f, true);
        if (raw == null) return null;
        SpecPaths.Resolved r = SpecPaths.resolve(diffsRoot, raw);
        if (r.error() == null) return r.path();
        c.add(m.get("path").at(), f + ".path", r.error());
        return null;
    }

    private static SubmissionStatus submissionStatus(NodeChecks c, Mapping m, String f) {
        String s = c.string(m, "status", f, false);
        if (s == null) return SubmissionStatus.PENDING;
        return SubmissionStatus.fromWord(s.strip()).orElseGet(() -> {
            c.add(m.get("status").at(), f + ".status", "unknown submission status '" + s + "' (expected one of pending, applied, failed)");
            return null;
        });
    }

    /**
     * Seed 000's fields only; anything else in the file (works, queries, unknown keys) is not looked at, and
     * tasks without an id are skipped.
     */
    static StatusUpdate statusUpdate(NodeChecks c, Mapping root, SpecContext ctx) {
        String id = c.id(root, "id", "", false);
        Long version = c.nonNegativeInteger(root, "version", "");
        // Informational only: an agent's own word here must not make Baton miss its task updates.
        String status = c.string(root, "status", "", false);
        List<StatusUpdate.TaskState> tasks = new ArrayList<>();
        List<SpecNode> items = c.list(root, "tasks", "", false);
        Map<String, Location> ids = NodeChecks.seen();
        for (int i = 0; items != null && i < items.size(); i++) {
            String f = "tasks[" + i + "]";
            Mapping m = c.mapping(items.get(i), f);
            if (m == null) continue;
            // A task without an id cannot be matched to anything; files Baton writes always have them.
            if (m.get("id") == null) continue;
            String taskId = c.id(m, "id", f, true);
            if (taskId != null && !c.unique(ids, taskId, m.get("id").at(), f + ".id", "task id")) taskId = null;
            TaskStatus taskStatus = taskStatus(c, m, f);
            String assignedTo = c.text(m, "assignedTo", f, false, SpecParser.MAX_NAME_LENGTH);
            Instant startedAt = c.instant(m, "startedAt", f, false);
            if (taskId != null) tasks.add(new StatusUpdate.TaskState(taskId, taskStatus, assignedTo, startedAt));
        }
        List<Submission> submissions = submissions(c, root, ctx.diffsRoot(), false,
                tasks.stream().map(StatusUpdate.TaskState::id).toList());
        if (c.hasProblems()) throw SpecParser.invalid(c.problems());
        return new StatusUpdate(id, version, status, tasks, submissions);
    }
}
