package dev.baton.engine;

import dev.baton.agent.profile.AgentProfiles;
import dev.baton.shared.BatonException;
import dev.baton.spec.SpecContext;
import dev.baton.spec.SpecDocument;
import dev.baton.spec.SpecParser;
import dev.baton.spec.SpecWriter;
import dev.baton.spec.StatusUpdate;
import dev.baton.spec.store.VersionedSpecFiles;
import dev.baton.workflow.Task;
import dev.baton.workflow.Workflow;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The file form of workflows: parses submitted specs against the data layout and the known agent profiles,
 * and keeps {@code specs/active/<id>.yaml} in step with the workflow. Every write goes through the versioned
 * store: under the file's lock, merged with what outside agents wrote meanwhile, with the next version.
 * Baton writes only what it owns — the top-level status and the statuses of the tasks it runs itself;
 * tasks assigned to outside agents are theirs to move (their progress flows the other way, see SpecProgress).
 */
final class SpecFiles {
    private final DataLayout layout;
    private final AgentProfiles profiles;
    private final java.util.Set<String> mcpServers;
    private final VersionedSpecFiles store;
    private final SpecParser parser = new SpecParser();

    /** @param mcpServers names of the configured MCP servers, which works may reference */
    SpecFiles(DataLayout layout, AgentProfiles profiles, java.util.Set<String> mcpServers, VersionedSpecFiles store) {
        this.layout = layout;
        this.profiles = profiles;
        this.mcpServers = java.util.Set.copyOf(mcpServers);
        this.store = store;
    }

    private SpecContext context() {
        return SpecContext.of(layout.gitRoot(), layout.diffsDir(), profiles.names(), mcpServers);
    }

    SpecDocument parse(String fileName, String content) {
        return parser.parse(fileName, content, context());
    }

    StatusUpdate parseStatusUpdate(String fileName, String content) {
        return parser.parseStatusUpdate(fileName, content, context());
    }

    /** Writes the file form of a new workflow with the version and extra keys of the document it came from. */
    void create(SpecDocument doc, Workflow wf) {
        String yaml = new SpecWriter(context()).write(wf, doc.version(), doc.submissions(), doc.extra());
        Path file = layout.specFile(wf.id());
        // A file left by a deleted workflow of the same id, or dropped in by hand before submitting it.
        store.delete(file);
        store.create(file, yaml);
    }

    /**
     * Brings the file's statuses in line with the workflow. The workflow is loaded under the file's lock, so a
     * rewrite never resurrects a deleted workflow's file; a missing file is written afresh.
     */
    void update(String workflowId, Function<String, Optional<Workflow>> load) {
        Path file = layout.specFile(workflowId);
        if (!Files.exists(file)) {
            load.apply(workflowId).ifPresent(wf -> store.create(file, new SpecWriter(context()).write(wf, 1, List.of(), Map.of())));
            return;
        }
        try {
            store.edit(file, root -> load.apply(workflowId).map(wf -> apply(root, wf)).orElse(false));
        } catch (BatonException.NotFound gone) {
            // deleted meanwhile
        }
    }

    private boolean apply(ObjectNode root, Workflow wf) {
        boolean changed = false;
        String status = SpecDocument.statusWord(wf.status());
        if (!status.equals(root.path("status").asString(null))) {
            root.put("status", status);
            changed = true;
        }
        Map<String, Task> tasks = new HashMap<>();
        wf.works().forEach(w -> w.tasks().forEach(t -> tasks.put(t.id(), t)));
        for (JsonNode n : root.path("tasks")) {
            if (!(n instanceof ObjectNode node)) continue;
            Task t = tasks.get(node.path("id").asString(null));
            if (t == null || isOutside(t)) continue;
            changed |= set(node, "status", t.status().word());
            changed |= set(node, "startedAt", t.startedAt() == null ? null : t.startedAt().toString());
        }
        return changed;
    }

    private static boolean set(ObjectNode node, String key, String value) {
        String current = node.path(key).asString(null);
        if (java.util.Objects.equals(current, value)) return false;
        if (value == null) node.remove(key);
        else node.put(key, value);
        return true;
    }

    /** A task Baton does not run itself: it names an agent that is not one of Baton's profiles. */
    boolean isOutside(Task t) {
        return t.assignedTo() != null && !profiles.names().contains(t.assignedTo());
    }

    void delete(String workflowId) {
        store.delete(layout.specFile(workflowId));
    }
}
