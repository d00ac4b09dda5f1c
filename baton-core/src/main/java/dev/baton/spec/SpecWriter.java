package dev.baton.spec;

import dev.baton.mcp.McpServerRef;
import dev.baton.workflow.RepositoryRef;
import dev.baton.workflow.Workflow;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Renders the file form of a workflow as YAML that {@link SpecParser} reads back to the same thing: keys in
 * a fixed order, block style, quotes only where YAML needs them, multi-line queries as literal blocks. Paths
 * inside the given roots are written relative to them, so the data folder can move.
 */
public final class SpecWriter {
    private static final YAMLMapper YAML = SpecYaml.MAPPER;

    private final Path repositoriesRoot;
    private final Path diffsRoot;

    /** @param repositoriesRoot may be null (paths are then written absolute); same for {@code diffsRoot} */
    public SpecWriter(Path repositoriesRoot, Path diffsRoot) {
        this.repositoriesRoot = repositoriesRoot;
        this.diffsRoot = diffsRoot;
    }

    public SpecWriter(SpecContext ctx) {
        this(ctx.repositoriesRoot(), ctx.diffsRoot());
    }

    /** The workflow's file form with task statuses as words and the given {@code version}. */
    public String write(Workflow workflow, long version, List<Submission> submissions, Map<String, Object> extra) {
        return write(SpecDocument.from(workflow, version, submissions, extra));
    }

    public String write(SpecDocument doc) {
        ObjectNode root = YAML.createObjectNode();
        putIfSet(root, "id", doc.id());
        root.put("version", doc.version());
        putIfSet(root, "status", doc.status());
        root.put("name", doc.name());
        ArrayNode repositories = root.putArray("repositories");
        for (RepositoryRef r : doc.repositories()) {
            repositories.addObject().put("name", r.name()).put("path", SpecPaths.relativeOrAbsolute(repositoriesRoot, r.path()));
        }
        ArrayNode works = root.putArray("works");
        for (WorkSpec w : doc.works()) {
            ObjectNode n = works.addObject();
            putIfSet(n, "id", w.id());
            n.put("name", w.name());
            n.put("agent", w.agent());
            putIfSet(n, "model", w.model());
            if (!w.mcpServers().isEmpty()) {
                ArrayNode refs = n.putArray("mcpServers");
                // A plain name stays a plain name; overrides are written back as given (${VAR} unresolved).
                for (McpServerRef r : w.mcpServers()) {
                    if (r.envOverrides().isEmpty()) {
                        refs.add(r.name());
                    } else {
                        ObjectNode o = refs.addObject().put("name", r.name());
                        ObjectNode env = o.putObject("envOverrides");
                        r.envOverrides().forEach(env::put);
                    }
                }
            }
        }
        ArrayNode tasks = root.putArray("tasks");
        for (TaskSpec t : doc.tasks()) {
            ObjectNode n = tasks.addObject();
            putIfSet(n, "id", t.id());
            n.put("work", t.work());
            putIfSet(n, "assignedTo", t.assignedTo());
            n.put("status", t.status().word());
            putIfSet(n, "startedAt", t.startedAt());
            // Last, because a long literal block would otherwise push the status out of sight.
            n.put("query", t.query());
        }
        // Always present: seed 000's agents append with spec.submissions.push(...).
        ArrayNode submissions = root.putArray("submissions");
        for (Submission s : doc.submissions()) {
            ObjectNode n = submissions.addObject();
            n.put("taskId", s.taskId());
            n.put("path", SpecPaths.relativeOrAbsolute(diffsRoot, s.path()));
            n.put("timestamp", s.timestamp().toString());
            n.put("status", s.status().word());
            putIfSet(n, "commit", s.commit());
            putIfSet(n, "reason", s.reason());
        }
        doc.extra().forEach((k, v) -> {
            if (!SpecParser.TOP_KEYS.contains(k)) root.set(k, YAML.valueToTree(v));
        });
        return YAML.writeValueAsString(root);
    }

    private static void putIfSet(ObjectNode n, String key, Object value) {
        if (value instanceof Instant i) n.put(key, i.toString());
        else if (value != null) n.put(key, value.toString());
    }
}
