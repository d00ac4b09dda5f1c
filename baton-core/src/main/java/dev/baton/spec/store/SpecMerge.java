package dev.baton.spec.store;

import dev.baton.shared.BatonException;
import dev.baton.shared.Problem;
import dev.baton.spec.SubmissionStatus;
import dev.baton.workflow.TaskStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Applies a {@link SpecPatch} to the current content of a spec, field by field (a three-way merge whose base
 * values travel in the patch). A field is set when nobody else changed it since the writer read it, when it
 * already holds the wanted value, or — for {@code status} — when the wanted value lies ahead of the current
 * one, because a status only moves forward. Anything else is a conflict reported with both values.
 */
final class SpecMerge {
    /** Who writes decides whether a status may move back (Baton resets the tasks it runs on pause). */
    enum Authority { AGENT, SERVER }

    private final String fileName;
    private final Authority authority;
    private final List<Problem> conflicts = new ArrayList<>();
    private boolean changed;

    SpecMerge(String fileName, Authority authority) {
        this.fileName = fileName;
        this.authority = authority;
    }

    /** Edits {@code root} in place. @return whether anything changed; @throws BatonException.Conflict listing every clash (root is then unusable) */
    boolean apply(ObjectNode root, SpecPatch patch) {
        for (SpecPatch.TaskChange c : patch.tasks()) task(root, c);
        for (SpecPatch.SubmissionChange c : patch.submissions()) submission(root, c);
        if (!conflicts.isEmpty()) {
            throw new BatonException.Conflict("spec.conflict", fileName + ": " + conflicts.size()
                    + " field(s) were changed by someone else since they were read: " + conflicts.getFirst().message(), conflicts);
        }
        return changed;
    }

    private void task(ObjectNode root, SpecPatch.TaskChange c) {
        ObjectNode task = find(root.path("tasks"), "id", c.taskId())
                .orElseThrow(() -> new BatonException.NotFound("spec.task-not-found", fileName + " has no task '" + c.taskId() + "'"));
        String key = c.field().key();
        String current = text(task.get(key));
        String field = "tasks[" + c.taskId() + "]." + key;
        if (Objects.equals(current, c.to())) return;
        if (c.field() == TaskField.STATUS) {
            int cur = rank(current, field);
            int to = rank(c.to(), field);
            boolean untouched = Objects.equals(current, c.from());
            boolean forward = to > cur;
            if (authority == Authority.SERVER || forward) {
                set(task, key, c.to());
                return;
            }
            conflict(field, untouched
                    ? "status only moves forward: it is " + current + ", cannot go back to " + c.to()
                    : "theirs: " + current + ", yours: " + c.to() + " (you read " + c.from() + "); a status only moves forward");
            return;
        }
        if (authority == Authority.SERVER || Objects.equals(current, c.from())) {
            set(task, key, c.to());
            return;
        }
        conflict(field, "theirs: " + current + ", yours: " + c.to() + " (you read " + c.from() + ")");
    }

    private void submission(ObjectNode root, SpecPatch.SubmissionChange c) {
        JsonNode list = root.get("submissions");
        ArrayNode submissions = list instanceof ArrayNode a ? a : root.putArray("submissions");
        ObjectNode entry = null;
        for (JsonNode n : submissions) {
            if (n instanceof ObjectNode o && c.taskId().equals(text(o.get("taskId"))) && c.path().equals(text(o.get("path")))) entry = o;
        }
        String field = "submissions[" + c.taskId() + ":" + c.path() + "]";
        switch (c) {
            case SpecPatch.AddSubmission add -> {
                if (entry != null) return;
                ObjectNode n = submissions.addObject();
                n.put("taskId", add.taskId());
                n.put("path", add.path());
                n.put("timestamp", add.timestamp().toString());
                n.put("status", SubmissionStatus.PENDING.word());
                changed = true;
            }
            case SpecPatch.SubmissionOutcome out -> {
                if (entry == null) {
                    throw new BatonException.NotFound("spec.submission-not-found", fileName + " has no submission of " + c.taskId() + " at " + c.path());
                }
                String current = text(entry.get("status"));
                if (Objects.equals(current, out.status())) return;
                boolean pending = current == null || SubmissionStatus.fromWord(current).orElse(null) == SubmissionStatus.PENDING;
                if (!pending && authority != Authority.SERVER) {
                    conflict(field + ".status", "theirs: " + current + ", yours: " + out.status());
                    return;
                }
                set(entry, "status", out.status());
                set(entry, "commit", out.commit());
                set(entry, "reason", out.reason());
            }
        }
    }

    static java.util.Optional<ObjectNode> find(JsonNode array, String key, String value) {
        if (array instanceof ArrayNode a) {
            for (JsonNode n : a) if (n instanceof ObjectNode o && value.equals(text(o.get(key)))) return java.util.Optional.of(o);
        }
        return java.util.Optional.empty();
    }

    private void set(ObjectNode node, String key, String value) {
        if (Objects.equals(text(node.get(key)), value)) return;
        if (value == null) node.remove(key);
        else node.put(key, value);
        changed = true;
    }

    private void conflict(String field, String message) {
        conflicts.add(new Problem(fileName, 0, 0, field, message));
    }

    static String text(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? null : n.asString();
    }

    /** pending 0, in-progress 1, finished 2: finished states are not ordered among themselves. */
    private int rank(String word, String field) {
        if (word == null) return 0;
        TaskStatus s;
        try {
            s = TaskStatus.fromWord(word);
        } catch (BatonException.Invalid e) {
            throw new BatonException.Invalid("spec.task-status", fileName + ": " + field + ": " + e.getMessage(),
                    List.of(new Problem(fileName, 0, 0, field, e.getMessage())));
        }
        return switch (s) {
            case PENDING -> 0;
            case IN_PROGRESS -> 1;
            case COMPLETED, FAILED, CANCELLED -> 2;
        };
    }
}
