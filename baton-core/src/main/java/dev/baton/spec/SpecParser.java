package dev.baton.spec;

import dev.baton.mcp.McpServerRef;
import dev.baton.shared.BatonException;
import dev.baton.shared.Problem;
import dev.baton.spec.SpecNode.Location;
import dev.baton.spec.SpecNode.Mapping;
import dev.baton.spec.SpecNode.Scalar;
import dev.baton.workflow.RepositoryRef;
import dev.baton.workflow.TaskStatus;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads spec files (YAML or JSON). {@link #parse} reads and checks the whole definition, to create a workflow;
 * {@link #parseStatusUpdate} reads only the parts seed 000's outside agents change, to pick up their progress.
 * Both report every problem of a file at once, each with file, line, column and field path.
 * Stateless and thread-safe.
 */
public final class SpecParser {
    public static final int MAX_NAME_LENGTH = 200;
    public static final int MAX_QUERY_LENGTH = 100_000;

    static final Set<String> TOP_KEYS = Set.of("id", "version", "status", "name", "repositories", "works", "tasks", "submissions");
    private static final Set<String> REPOSITORY_KEYS = Set.of("name", "path");
    private static final Set<String> WORK_KEYS = Set.of("id", "name", "agent", "model", "mcpServers");
    private static final Set<String> MCP_REF_KEYS = Set.of("name", "envOverrides");
    private static final java.util.regex.Pattern OVERRIDE_KEY = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
    private static final Set<String> TASK_KEYS = Set.of("id", "work", "query", "assignedTo", "status", "startedAt");

    /** A work as far as it could be read; fields that had a problem are null. Index = position in the file. */
    private record WorkDraft(String id, String name, String agent, String model, List<McpServerRef> mcpServers, Location at) {
    }

    private record TaskDraft(String id, String work, int workIndex, String query, String assignedTo, TaskStatus status,
                             Instant startedAt) {
    }

    /**
     * Reads and checks a complete spec.
     *
     * @param fileName how problems name the file
     * @throws BatonException.Invalid with every problem found
     */
    public SpecDocument parse(String fileName, String content, SpecContext ctx) {
        SpecTreeReader.Result tree = read(fileName, content, ctx);
        Mapping root = tree.root();
        NodeChecks c = new NodeChecks(fileName, tree.problems());

        String id = c.id(root, "id", "", false);
        Long version = c.nonNegativeInteger(root, "version", "");
        String status = SpecSections.statusWord(c, root);
        String name = c.text(root, "name", "", true, MAX_NAME_LENGTH);
        List<RepositoryRef> repositories = repositories(c, root, ctx.repositoriesRoot());
        List<WorkDraft> works = works(c, root, ctx.knownAgents(), ctx.knownMcpServers());
        List<TaskDraft> tasks = tasks(c, root, works);
        List<Submission> submissions = SpecSections.submissions(c, root, ctx.diffsRoot(), true,
                tasks.stream().map(TaskDraft::id).filter(Objects::nonNull).toList());
        if (c.hasProblems()) throw invalid(c.problems());

        Map<String, Object> extra = new LinkedHashMap<>();
        root.entries().forEach((k, e) -> {
            if (!TOP_KEYS.contains(k)) extra.put(k, e.value().toPlain());
        });
        return new SpecDocument(id, version == null ? 1 : version, status, name, repositories,
                works.stream().map(w -> new WorkSpec(w.id(), w.name(), w.agent(), w.model(), w.mcpServers())).toList(),
                tasks.stream().map(t -> new TaskSpec(t.id(), t.work(), t.workIndex(), t.query(), t.assignedTo(), t.status(), t.startedAt())).toList(),
                submissions, extra);
    }

    /** {@link #parse} of a file on disk; its size is checked before it is read. */
    public SpecDocument parseFile(Path file, SpecContext ctx) {
        return parse(file.toString(), readFile(file, ctx.maxBytes()), ctx);
    }

    /**
     * Reads only {@code id}, {@code version}, {@code status}, {@code tasks[].id/status/assignedTo/startedAt} and
     * {@code submissions} — what an outside agent written against seed 000 changes — and ignores everything
     * else, so a file such an agent rewrote (or wrote from scratch, without works or repositories) is understood.
     *
     * @throws BatonException.Invalid with every problem found in those parts
     */
    public StatusUpdate parseStatusUpdate(String fileName, String content, SpecContext ctx) {
        SpecTreeReader.Result tree = read(fileName, content, ctx);
        return SpecSections.statusUpdate(new NodeChecks(fileName, tree.problems()), tree.root(), ctx);
    }

    private static SpecTreeReader.Result read(String fileName, String content, SpecContext ctx) {
        long bytes = utf8Length(content);
        if (bytes > ctx.maxBytes()) throw tooLarge(fileName, bytes, ctx.maxBytes());
        return SpecTreeReader.read(fileName, content);
    }

    private List<RepositoryRef> repositories(NodeChecks c, Mapping root, Path reposRoot) {
        List<SpecNode> items = c.list(root, "repositories", "", true);
        if (items == null) return List.of();
        List<RepositoryRef> out = new ArrayList<>();
        Map<String, Location> names = NodeChecks.seen();
        Map<String, Location> paths = NodeChecks.seen();
        for (int i = 0; i < items.size(); i++) {
            String f = "repositories[" + i + "]";
            Mapping m = c.mapping(items.get(i), f);
            if (m == null) continue;
            c.onlyKeys(m, f, REPOSITORY_KEYS);
            String name = c.id(m, "name", f, true);
            if (name != null) c.unique(names, name, m.get("name").at(), f + ".name", "repository name");
            String raw = c.string(m, "path", f, true);
            if (raw == null) continue;
            Location at = m.get("path").at();
            SpecPaths.Resolved r = SpecPaths.resolve(reposRoot, raw);
            if (r.error() != null) {
                c.add(at, f + ".path", r.error());
            } else if (!Files.isDirectory(r.path())) {
                c.add(at, f + ".path", "'" + raw + "' " + (Files.exists(r.path()) ? "is not a folder" : "does not exist") + " (resolved to " + r.path() + ")");
            } else if (!Files.exists(r.path().resolve(".git"))) {
                c.add(at, f + ".path", "'" + raw + "' is not a git repository: " + r.path() + " has no .git");
            } else if (c.unique(paths, r.path().toString(), at, f + ".path", "repository path") && name != null) {
                out.add(new RepositoryRef(name, r.path()));
            }
        }
        return out;
    }

    private List<WorkDraft> works(NodeChecks c, Mapping root, Set<String> knownAgents, Set<String> knownMcp) {
        List<SpecNode> items = c.list(root, "works", "", true);
        if (items == null) return List.of();
        List<WorkDraft> out = new ArrayList<>();
        Map<String, Location> ids = NodeChecks.seen();
        for (int i = 0; i < items.size(); i++) {
            String f = "works[" + i + "]";
            Mapping m = c.mapping(items.get(i), f);
            if (m == null) {
                out.add(new WorkDraft(null, null, null, null, List.of(), items.get(i).at()));
                continue;
            }
            c.onlyKeys(m, f, WORK_KEYS);
            String id = c.id(m, "id", f, false);
            if (id != null && !c.unique(ids, id, m.get("id").at(), f + ".id", "work id")) id = null;
            String name = c.text(m, "name", f, true, MAX_NAME_LENGTH);
            String agent = c.string(m, "agent", f, true);
            if (agent != null && !knownAgents.contains(agent)) {
                c.add(m.get("agent").at(), f + ".agent", "unknown agent profile '" + agent + "' ("
                        + (knownAgents.isEmpty() ? "no agent profiles are configured" : "known: " + String.join(", ", new TreeSet<>(knownAgents))) + ")");
            }
            String model = c.text(m, "model", f, false, MAX_NAME_LENGTH);
            out.add(new WorkDraft(id, name, agent, model, mcpRefs(c, m, f, knownMcp), m.at()));
        }
        return out;
    }

    /**
     * {@code mcpServers}: a list whose items are a server name or {@code {name: x, envOverrides: {K: V}}}; each
     * name must be a configured server, once per work. Values are kept as written ({@code ${VAR}} unresolved).
     */
    private static List<McpServerRef> mcpRefs(NodeChecks c, Mapping work, String path, Set<String> known) {
        List<SpecNode> items = c.list(work, "mcpServers", path, false);
        if (items == null) return List.of();
        List<McpServerRef> out = new ArrayList<>();
        Map<String, Location> names = NodeChecks.seen();
        for (int i = 0; i < items.size(); i++) {
            SpecNode item = items.get(i);
            String f = path + ".mcpServers[" + i + "]";
            String name;
            Map<String, String> overrides = new LinkedHashMap<>();
            Location at = item.at();
            if (item instanceof Mapping m) {
                c.onlyKeys(m, f, MCP_REF_KEYS);
                name = c.string(m, "name", f, true);
                if (name != null) at = m.get("name").at();
                SpecNode o = m.get("envOverrides");
                if (o instanceof Mapping om) {
                    om.entries().forEach((k, e) -> {
                        String of = f + ".envOverrides." + k;
                        if (!OVERRIDE_KEY.matcher(k).matches()) {
                            c.add(e.keyAt(), of, "'" + k + "' is not a variable or header name (letters, digits, '_', '.', '-')");
                        } else if (e.value() instanceof Scalar s && !s.isNull()) {
                            overrides.put(k, s.text());
                        } else {
                            c.add(e.value().at(), of, "expected a value, found " + e.value().describe());
                        }
                    });
                } else if (o != null && !(o instanceof Scalar s && s.isNull())) {
                    c.add(o.at(), f + ".envOverrides", "expected a mapping of names to values, found " + o.describe());
                }
            } else if (item instanceof Scalar s && !s.isNull() && !s.text().isBlank()) {
                name = s.text();
            } else {
                c.add(item.at(), f, "expected an MCP server name or {name: …, envOverrides: {…}}, found "
                        + (item instanceof Scalar s && !s.isNull() ? "'" + s.text() + "'" : item.describe()));
                continue;
            }
            if (name == null) continue;
            if (!known.contains(name)) {
                c.add(at, f, "unknown MCP server '" + name + "' (" + (known.isEmpty()
                        ? "no MCP servers are configured: list them in the file BATON_MCP_SERVERS names"
                        : "known: " + String.join(", ", new TreeSet<>(known))) + ")");
            } else if (c.unique(names, name, at, f, "MCP server")) {
                out.add(new McpServerRef(name, overrides));
            }
        }
        return out;
    }

    private List<TaskDraft> tasks(NodeChecks c, Mapping root, List<WorkDraft> works) {
        List<SpecNode> items = c.list(root, "tasks", "", true);
        if (items == null) return List.of();
        List<TaskDraft> out = new ArrayList<>();
        Map<String, Location> ids = NodeChecks.seen();
        boolean[] used = new boolean[works.size()];
        for (int i = 0; i < items.size(); i++) {
            String f = "tasks[" + i + "]";
            Mapping m = c.mapping(items.get(i), f);
            if (m == null) continue;
            c.onlyKeys(m, f, TASK_KEYS);
            String id = c.id(m, "id", f, false);
            if (id != null) c.unique(ids, id, m.get("id").at(), f + ".id", "task id");
            String work = c.string(m, "work", f, true);
            int workIndex = work == null ? -1 : resolveWork(c, work, works, m.get("work").at(), f + ".work");
            if (workIndex >= 0) used[workIndex] = true;
            String query = c.text(m, "query", f, true, MAX_QUERY_LENGTH);
            String assignedTo = c.text(m, "assignedTo", f, false, MAX_NAME_LENGTH);
            TaskStatus status = SpecSections.taskStatus(c, m, f);
            out.add(new TaskDraft(id, work, workIndex, query, assignedTo, status == null ? TaskStatus.PENDING : status,
                    c.instant(m, "startedAt", f, false)));
        }
        for (int w = 0; w < works.size(); w++) {
            if (!used[w] && works.get(w).name() != null) {
                c.add(works.get(w).at(), "works[" + w + "]", "work '" + label(works.get(w)) + "' has no tasks (every task names its work with 'work:')");
            }
        }
        return out;
    }

    /** A work id, else the name of exactly one work; -1 (with a problem) otherwise. */
    private static int resolveWork(NodeChecks c, String ref, List<WorkDraft> works, Location at, String field) {
        for (int i = 0; i < works.size(); i++) if (ref.equals(works.get(i).id())) return i;
        List<Integer> named = new ArrayList<>();
        for (int i = 0; i < works.size(); i++) if (ref.equals(works.get(i).name())) named.add(i);
        if (named.size() == 1) return named.getFirst();
        if (named.size() > 1) {
            c.add(at, field, named.size() + " works are named '" + ref + "'; refer to the work by its id");
        } else {
            List<String> known = works.stream().map(SpecParser::label).filter(Objects::nonNull).toList();
            c.add(at, field, "unknown work '" + ref + "' (works: " + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
        }
        return -1;
    }

    private static String label(WorkDraft w) {
        return w.id() != null ? w.id() : w.name();
    }

    static BatonException.Invalid invalid(List<Problem> problems) {
        String first = problems.getFirst().toString();
        String message = problems.size() == 1 ? first : first + " (and " + (problems.size() - 1) + " more problems)";
        return new BatonException.Invalid("spec.invalid", message, problems);
    }

    private static BatonException.Invalid tooLarge(String fileName, long bytes, long max) {
        Problem p = new Problem(fileName, 0, 0, null, "the file is " + bytes + " bytes; at most " + max + " are allowed");
        return new BatonException.Invalid("spec.too-large", p.toString(), List.of(p));
    }

    private static String readFile(Path file, long maxBytes) {
        try {
            long size = Files.size(file);
            if (size > maxBytes) throw tooLarge(file.toString(), size, maxBytes);
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new BatonException.NotFound("spec.not-found", "spec file " + file + " does not exist");
        } catch (CharacterCodingException e) {
            Problem p = new Problem(file.toString(), 0, 0, null, "the file is not valid UTF-8");
            throw new BatonException.Invalid("spec.encoding", p.toString(), List.of(p));
        } catch (IOException e) {
            throw new BatonException.Transient("spec.read-failed", "cannot read spec file " + file + ": " + e.getMessage(), e);
        }
    }

    /** UTF-8 size without encoding the whole text. */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < 0x80) n += 1;
            else if (ch < 0x800) n += 2;
            else if (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else n += 3;
        }
        return n;
    }
}
