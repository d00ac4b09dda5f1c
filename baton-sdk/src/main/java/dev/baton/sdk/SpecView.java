package dev.baton.sdk;

import dev.baton.spec.SpecYaml;
import dev.baton.spec.store.SpecSnapshot;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One spec file at one version, as an agent needs it: its tasks and submissions. The exact text is kept too
 * ({@code content}), so that what {@code sha256} fingerprints can be looked at.
 *
 * @param version the file's {@code version}; 0 when it states none
 * @param status  the informational top-level status word; may be null
 */
public record SpecView(String specId, Path file, long version, String sha256, String status, List<TaskView> tasks,
                       List<SubmissionView> submissions, String content) {

    public SpecView {
        Objects.requireNonNull(specId, "specId");
        Objects.requireNonNull(sha256, "sha256");
        tasks = List.copyOf(tasks);
        submissions = List.copyOf(submissions);
    }

    /**
     * @throws dev.baton.shared.BatonException.Invalid when the content is not a YAML (or JSON) mapping
     */
    public static SpecView of(SpecSnapshot s) {
        ObjectNode root = SpecYaml.readTree(s.file().toString(), s.content());
        List<TaskView> tasks = new ArrayList<>();
        for (JsonNode t : root.path("tasks")) {
            if (!t.isObject()) continue;
            tasks.add(new TaskView(text(t, "id"), text(t, "work"), text(t, "assignedTo"), text(t, "status"), text(t, "startedAt"),
                    text(t, "query")));
        }
        List<SubmissionView> submissions = new ArrayList<>();
        for (JsonNode n : root.path("submissions")) {
            if (!n.isObject()) continue;
            submissions.add(new SubmissionView(text(n, "taskId"), text(n, "path"), text(n, "timestamp"), text(n, "status"),
                    text(n, "commit"), text(n, "reason")));
        }
        return new SpecView(s.specId(), s.file(), s.version(), s.sha256(), text(root, "status"), tasks, submissions, s.content());
    }

    public Optional<TaskView> task(String taskId) {
        return tasks.stream().filter(t -> taskId.equals(t.id())).findFirst();
    }

    public List<TaskView> tasksAssignedTo(String agentId) {
        return tasks.stream().filter(t -> agentId.equals(t.assignedTo())).toList();
    }

    public List<SubmissionView> submissionsOf(String taskId) {
        return submissions.stream().filter(s -> taskId.equals(s.taskId())).toList();
    }

    /** Shown in logs: content can be long. */
    @Override
    public String toString() {
        return "SpecView[" + specId + " v" + version + " sha256=" + sha256.substring(0, Math.min(12, sha256.length())) + "… "
                + tasks.size() + " tasks, " + submissions.size() + " submissions]";
    }

    private static String text(JsonNode parent, String key) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull() || n.isMissingNode()) return null;
        return n.isValueNode() ? n.asString() : n.toString();
    }
}
