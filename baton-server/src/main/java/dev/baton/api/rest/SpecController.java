package dev.baton.api.rest;

import dev.baton.coordination.SpecChangeHandler;
import dev.baton.coordination.WorkerDemand;
import dev.baton.engine.DataLayout;
import dev.baton.shared.BatonException;
import dev.baton.shared.Ids;
import dev.baton.shared.Problem;
import dev.baton.spec.store.SpecPatch;
import dev.baton.spec.store.SpecSnapshot;
import dev.baton.spec.store.TaskField;
import dev.baton.spec.store.VersionedSpecFiles;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Spec files over HTTP, for agents that do not share the spec folder: read one with its version, update a
 * task with compare-and-swap (409 with both values on a clash), see refused edits, and the worker queue depth
 * an autoscaler reads.
 */
@RestController
@RequestMapping("/api/v1")
public class SpecController {
    private final VersionedSpecFiles store;
    private final DataLayout layout;
    private final SpecChangeHandler changes;
    private final WorkerDemand demand;

    public SpecController(VersionedSpecFiles store, DataLayout layout, SpecChangeHandler changes, WorkerDemand demand) {
        this.store = store;
        this.layout = layout;
        this.changes = changes;
        this.demand = demand;
    }

    public record SpecView(String specId, long version, String sha256, String path, String content, List<Problem> problems) {
    }

    /** One field's change: the value the caller read, and the one it wants. */
    public record FieldChange(String from, String to) {
    }

    /** {@code changes} keys: status, assignedTo, startedAt. */
    public record TaskUpdate(Long baseVersion, Map<String, FieldChange> changes) {
    }

    public record QueueView(int queueLength, Instant timestamp) {
    }

    @GetMapping("/specs/{id}")
    public SpecView get(@PathVariable String id) {
        return view(store.read(file(id)));
    }

    @PatchMapping("/specs/{id}/tasks/{taskId}")
    public SpecView updateTask(@PathVariable String id, @PathVariable String taskId, @RequestBody TaskUpdate update) {
        if (update == null || update.baseVersion() == null) {
            throw new BatonException.Invalid("spec.base-version", "state the version the update is based on",
                    List.of(Problem.at("baseVersion", "required: the version of the spec you read")));
        }
        if (update.changes() == null || update.changes().isEmpty()) {
            throw new BatonException.Invalid("spec.no-changes", "nothing to change", List.of(Problem.at("changes", "name at least one of status, assignedTo, startedAt")));
        }
        SpecPatch.Builder patch = SpecPatch.builder();
        update.changes().forEach((key, change) -> patch.task(taskId, field(key), change == null ? null : change.from(), change == null ? null : change.to()));
        return view(store.update(file(id), update.baseVersion(), patch.build()));
    }

    @GetMapping("/specs/errors")
    public Map<String, List<Problem>> errors() {
        return changes.errors();
    }

    @GetMapping("/queue")
    public QueueView queue() {
        return new QueueView(demand.queueLength(), Instant.now());
    }

    private SpecView view(SpecSnapshot s) {
        return new SpecView(s.specId(), s.version(), s.sha256(), s.file().toString(), s.content(),
                changes.errors().getOrDefault(s.specId(), List.of()));
    }

    private Path file(String id) {
        if (!Ids.isSafe(id)) throw new BatonException.Invalid("spec.id", "'" + id + "' is not a valid spec id", List.of(Problem.at("id", "letters, digits, '-', '_' and '.' only")));
        return layout.specFile(id);
    }

    private static TaskField field(String key) {
        for (TaskField f : TaskField.values()) if (f.key().equals(key)) return f;
        throw new BatonException.Invalid("spec.field", "unknown task field '" + key + "'",
                List.of(Problem.at("changes." + key, "one of status, assignedTo, startedAt")));
    }
}
