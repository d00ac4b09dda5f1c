package dev.baton.worker;

import dev.baton.agent.AgentStart;
import dev.baton.git.WorktreeTransfer;
import dev.baton.grpc.v1.PushHeader;
import dev.baton.grpc.v1.RepositoryState;
import dev.baton.grpc.v1.StartAgent;
import dev.baton.shared.FileTrees;
import dev.baton.shared.Ids;
import dev.baton.shared.OwnerOnlyFile;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A worker's own copies of the repositories ({@code baton worker --workdir}), for a machine that does not see
 * the server's data folder. Before an agent starts, each repository of its session is fetched into
 * {@code <workdir>/<workflow>/repos/<repository>} (only new commits when the copy exists), and the workspace is
 * rebuilt as {@code <workdir>/<workflow>/workspaces/<session>}: a link per repository, a {@code reports} folder,
 * and the MCP config file. After each task the changes of every copy are pushed back before the task's result.
 * <p>
 * A copy is shared by the sessions of its workflow, as the server's worktree is: its base tree, what the server
 * is known to hold, belongs to the copy.
 */
final class OwnWorkdir {
    private static final Logger log = LoggerFactory.getLogger(OwnWorkdir.class);
    static final String MCP_FILE = ".baton-mcp.json";
    static final String REPORTS_DIR_ENV = "BATON_REPORTS_DIR";
    /** A workflow folder untouched this long (its workflow long finished) is removed when the next session starts. */
    static final Duration KEEP_UNUSED = Duration.ofDays(7);
    /** Touched at every start and push of one of the workflow's sessions. */
    static final String LAST_USED = ".last-used";

    private final Path root;
    private final WorktreeTransfer git;
    private final WorkspaceTransferClient server;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /** Copy folder → the tree the server holds for it (null: unknown, fetch before the next task). */
    private final Map<Path, String> baseTrees = new ConcurrentHashMap<>();
    /** One turn per copy: a fetch and a push of two sessions of one workflow never interleave. */
    private final Map<Path, Object> locks = new ConcurrentHashMap<>();
    private final Counter fetches;
    private final Counter pushes;
    private final Counter removed;

    /** A session's workspace here and the copies it works on. */
    private record Session(String workflowId, Path workspace, Map<String, Path> copies) {
    }

    /** What the agent gets instead of the server's paths. */
    record Prepared(Path workspace, Map<String, String> env) {
    }

    OwnWorkdir(Path root, WorktreeTransfer git, WorkspaceTransferClient server, MeterRegistry meters) {
        this.root = root.toAbsolutePath().normalize();
        this.git = git;
        this.server = server;
        this.fetches = Counter.builder("worker.workspace.fetches").description("Repositories fetched from the server into the worker's own workdir").register(meters);
        this.pushes = Counter.builder("worker.workspace.pushes").description("Task changes pushed from the worker's own workdir to the server").register(meters);
        this.removed = Counter.builder("worker.workspace.removed").description("Workflow folders removed from the own workdir after a week unused").register(meters);
    }

    /**
     * Fetches the session's repositories and builds its workspace.
     *
     * @throws IllegalArgumentException when an id from the server could leave the workdir
     * @throws RuntimeException         when a repository cannot be fetched (the agent does not start)
     */
    Prepared prepare(StartAgent m) {
        String wf = safe("workflow id", m.getWorkflowId());
        String sessionId = safe("session id", m.getSessionId());
        Path wfDir = root.resolve(wf);
        Map<String, Path> copies = new LinkedHashMap<>();
        for (String repo : m.getRepositoriesList()) copies.put(safe("repository", repo), wfDir.resolve("repos").resolve(repo));
        Path workspace = wfDir.resolve("workspaces").resolve(sessionId);
        for (var c : copies.entrySet()) fetch(sessionId, m.getCorrelationId(), c.getKey(), c.getValue());
        try {
            Files.createDirectories(workspace.resolve("reports"));
            for (var c : copies.entrySet()) {
                Path link = workspace.resolve(c.getKey());
                if (!Files.isSymbolicLink(link)) Files.createSymbolicLink(link, c.getValue());
            }
            if (!m.getMcpConfig().isEmpty()) OwnerOnlyFile.write(workspace.resolve(MCP_FILE), m.getMcpConfig());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build workspace " + workspace + ": " + e.getMessage(), e);
        }
        sessions.put(sessionId, new Session(wf, workspace, copies));
        touch(wfDir);
        removeUnused(Instant.now());
        return new Prepared(workspace, localEnv(m, workspace));
    }

    /**
     * The server's environment with its paths replaced by this machine's: the workspace (and what lies in it,
     * such as the MCP config) and the reports folder.
     */
    static Map<String, String> localEnv(StartAgent m, Path workspace) {
        String serverWorkspace = m.getWorkspace();
        Map<String, String> env = new HashMap<>();
        m.getEnvMap().forEach((k, v) -> {
            if (v.equals(serverWorkspace)) env.put(k, workspace.toString());
            else if (!serverWorkspace.isEmpty() && v.startsWith(serverWorkspace + "/")) env.put(k, workspace + v.substring(serverWorkspace.length()));
            else env.put(k, v);
        });
        if (env.containsKey(REPORTS_DIR_ENV)) env.put(REPORTS_DIR_ENV, workspace.resolve("reports").toString());
        if (m.getMcpConfig().isEmpty()) env.remove(AgentStart.MCP_CONFIG_ENV);
        return env;
    }

    /** Before a task: fetches again each copy whose tree is not the one the server holds (the server's worktree moved on). */
    void refresh(String sessionId, String correlationId, Map<String, String> serverTrees) {
        Session s = sessions.get(sessionId);
        if (s == null) return;
        for (var c : s.copies().entrySet()) {
            String server = serverTrees.get(c.getKey());
            if (server != null && !server.equals(baseTrees.get(c.getValue()))) {
                log.atInfo().addKeyValue("correlationId", correlationId)
                        .log("copy of {} for session {} is not at the server's tree {}: fetching it again", c.getKey(), sessionId, server);
                fetch(sessionId, correlationId, c.getKey(), c.getValue());
            }
        }
    }

    /**
     * After a task: pushes what changed in each copy since the server's tree.
     *
     * @return null when every change reached the server, else why not (the task then fails)
     */
    String push(String sessionId, String taskId, String correlationId) {
        Session s = sessions.get(sessionId);
        if (s == null) return null;
        for (var c : s.copies().entrySet()) {
            Path copy = c.getValue();
            synchronized (lockOf(copy)) {
                String base = baseTrees.get(copy);
                try {
                    String after = git.stageTree(copy);
                    if (after.equals(base)) continue;
                    if (base == null) return "the copy of " + c.getKey() + " is not known to match the server's worktree; its changes were not sent";
                    Path diff = Files.createTempFile(root, "push-", ".diff");
                    try {
                        git.diff(copy, base, after, diff);
                        long bytes = Files.size(diff);
                        int files = server.push(PushHeader.newBuilder().setSessionId(sessionId).setTaskId(taskId).setRepository(c.getKey())
                                .setBaseTree(base).setResultTree(after).build(), diff);
                        baseTrees.put(copy, after);
                        pushes.increment();
                        touch(root.resolve(s.workflowId()));
                        log.atInfo().addKeyValue("correlationId", correlationId)
                                .log("pushed the changes of task {} in {}: {} file(s), {} bytes", taskId, c.getKey(), files, bytes);
                    } finally {
                        Files.deleteIfExists(diff);
                    }
                } catch (IOException | RuntimeException e) {
                    // The copy no longer matches what the server holds: fetch it again before the next task.
                    baseTrees.remove(copy);
                    log.atWarn().addKeyValue("correlationId", correlationId)
                            .log("cannot push the changes of task {} in {}: {}", taskId, c.getKey(), e.getMessage());
                    return "the changes in " + c.getKey() + " did not reach the server: " + e.getMessage();
                }
            }
        }
        return null;
    }

    /** The session ended: its workspace goes (the MCP config holds secrets); the copies stay for the workflow's next session. */
    void forget(String sessionId) {
        Session s = sessions.remove(sessionId);
        if (s == null) return;
        try {
            Files.deleteIfExists(s.workspace().resolve(MCP_FILE));
            for (String repo : s.copies().keySet()) Files.deleteIfExists(s.workspace().resolve(repo));
            deleteEmpty(s.workspace().resolve("reports"));
            deleteEmpty(s.workspace());
        } catch (IOException e) {
            log.warn("cannot remove workspace {}: {}", s.workspace(), e.toString());
        }
    }

    private void fetch(String sessionId, String correlationId, String repo, Path copy) {
        synchronized (lockOf(copy)) {
            Path scratch = null;
            try {
                Files.createDirectories(root);
                scratch = Files.createTempDirectory(root, "fetch-");
                Path bundle = scratch.resolve("branch.bundle");
                Path patch = scratch.resolve("staged.diff");
                RepositoryState s = server.fetch(sessionId, repo, git.head(copy), bundle, patch);
                git.restore(copy, new WorktreeTransfer.State(s.getBranch(), s.getCommit(), s.getTree()), s.getBundleBytes() > 0 ? bundle : null, patch);
                baseTrees.put(copy, s.getTree());
                fetches.increment();
                log.atInfo().addKeyValue("correlationId", correlationId)
                        .log("fetched {} at {} into {} ({} + {} bytes)", repo, s.getCommit(), copy, s.getBundleBytes(), s.getPatchBytes());
            } catch (IOException e) {
                baseTrees.remove(copy);
                throw new UncheckedIOException("cannot fetch " + repo + " into " + copy + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                baseTrees.remove(copy);
                throw e;
            } finally {
                if (scratch != null) deleteScratch(scratch);
            }
        }
    }

    private static String safe(String what, String id) {
        if (!Ids.isSafe(id)) throw new IllegalArgumentException("the server sent an unusable " + what + " '" + id + "'");
        return id;
    }

    private static void deleteEmpty(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            if (entries.findAny().isEmpty()) Files.delete(dir);
        } catch (java.nio.file.NoSuchFileException ignored) {
            // already gone
        }
    }

    private static void deleteScratch(Path dir) {
        try {
            FileTrees.deleteRecursively(dir);
        } catch (UncheckedIOException e) {
            log.debug("cannot remove {}: {}", dir, e.toString());
        }
    }

    /**
     * Removes the folders of workflows no session here has used for {@link #KEEP_UNUSED}: the copies of finished
     * workflows would otherwise pile up. A folder in use by a session is never removed.
     */
    void removeUnused(Instant now) {
        java.util.Set<String> inUse = new java.util.HashSet<>();
        sessions.values().forEach(s -> inUse.add(s.workflowId()));
        try (var dirs = Files.list(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                String wf = dir.getFileName().toString();
                Path marker = dir.resolve(LAST_USED);
                if (inUse.contains(wf) || !Files.exists(marker)) continue;
                if (Files.getLastModifiedTime(marker).toInstant().plus(KEEP_UNUSED).isAfter(now)) continue;
                baseTrees.keySet().removeIf(copy -> copy.startsWith(dir));
                FileTrees.deleteRecursively(dir);
                removed.increment();
                log.info("removed the copies of workflow {} in {}: unused for more than {} days", wf, dir, KEEP_UNUSED.toDays());
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            log.warn("cannot look for unused copies in {}: {}", root, e.toString());
        }
    }

    private static void touch(Path wfDir) {
        try {
            Path marker = wfDir.resolve(LAST_USED);
            if (Files.exists(marker)) Files.setLastModifiedTime(marker, java.nio.file.attribute.FileTime.from(Instant.now()));
            else Files.createFile(marker);
        } catch (IOException e) {
            log.debug("cannot mark {} as used: {}", wfDir, e.toString());
        }
    }

    private Object lockOf(Path copy) {
        return locks.computeIfAbsent(copy, k -> new Object());
    }
}
