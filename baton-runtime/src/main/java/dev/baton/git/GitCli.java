package dev.baton.git;

import dev.baton.shared.BatonException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The git command line, the only way Baton touches repositories. Every call is an argv (no shell),
 * runs with a timeout (GIT_COMMAND_TIMEOUT_MS), never prompts, and reports its duration to a listener
 * so the server can count {@code git.command.duration}.
 */
public final class GitCli {
    /** Commits made by Baton carry this identity unless the repository configures its own. */
    private static final List<String> IDENTITY = List.of("-c", "user.name=Baton", "-c", "user.email=baton@localhost");

    private static final java.util.concurrent.Executor DRAINERS = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    private final String executable;
    private final Duration timeout;
    private final CommandListener listener;

    public GitCli(String executable, Duration timeout, CommandListener listener) {
        this.executable = executable;
        this.timeout = timeout;
        this.listener = listener;
    }

    public GitCli(Duration timeout) {
        this("git", timeout, CommandListener.NONE);
    }

    /** Told about every git command that ran. */
    @FunctionalInterface
    public interface CommandListener {
        void ran(String subcommand, Duration duration, boolean succeeded);

        CommandListener NONE = (s, d, ok) -> { };
    }

    public String version() {
        return run(null, List.of("--version")).trim();
    }

    /**
     * Creates a repository on branch {@code main} holding {@code files} (relative path → content) in one
     * commit; does nothing when {@code dir} already is a repository. For the demo, benchmarks and tests.
     */
    public void init(Path dir, Map<String, String> files, String message) {
        if (isRepository(dir)) return;
        try {
            for (var f : files.entrySet()) {
                Path file = dir.resolve(f.getKey()).normalize();
                if (!file.startsWith(dir)) throw new BatonException.Invalid("git.init-path", "file " + f.getKey() + " is outside " + dir);
                Files.createDirectories(file.getParent());
                Files.writeString(file, f.getValue());
            }
        } catch (IOException e) {
            throw new BatonException.Transient("git.init-io", "cannot create " + dir + ": " + e.getMessage(), e);
        }
        run(dir, List.of("init", "-q", "-b", "main"));
        run(dir, List.of("add", "-A"));
        List<String> commit = new ArrayList<>(IDENTITY);
        commit.addAll(List.of("commit", "-q", "-m", message));
        run(dir, commit);
    }

    public boolean isRepository(Path dir) {
        return Files.exists(dir.resolve(".git"));
    }

    /**
     * Creates (or re-attaches, after a crash) the worktree of {@code branch} at {@code dir}. A new branch
     * starts at the repository's HEAD; an existing branch is checked out as it is, so a resumed workflow
     * keeps its checkpoints.
     */
    public void addWorktree(Path repository, Path dir, String branch) {
        if (Files.isDirectory(dir) && isRepository(dir)) {
            return;
        }
        var lock = adminLock(repository);
        lock.lock();
        try {
            run(repository, List.of("worktree", "prune"));
            if (branchExists(repository, branch)) {
                run(repository, List.of("worktree", "add", "--force", dir.toString(), branch));
            } else {
                run(repository, List.of("worktree", "add", "-b", branch, dir.toString(), "HEAD"));
            }
        } finally {
            lock.unlock();
        }
    }

    public void removeWorktree(Path repository, Path dir) {
        var lock = adminLock(repository);
        lock.lock();
        try {
            if (Files.exists(dir)) {
                run(repository, List.of("worktree", "remove", "--force", dir.toString()));
            }
            run(repository, List.of("worktree", "prune"));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Worktree administration (add, prune, remove) writes the repository's shared {@code .git/worktrees}
     * folder; two at once on one repository make git fail ("failed to read .git/worktrees/x/commondir"),
     * so they take turns per repository (a ReentrantLock: virtual threads wait on it without pinning).
     * A diff apply takes the same turn (see {@link #withRepositoryLock}) so it never sees a worktree
     * half added or removed.
     */
    private static java.util.concurrent.locks.ReentrantLock adminLock(Path repository) {
        return ADMIN_LOCKS.computeIfAbsent(repository.toAbsolutePath().normalize(), k -> new java.util.concurrent.locks.ReentrantLock());
    }

    private static final java.util.concurrent.ConcurrentMap<Path, java.util.concurrent.locks.ReentrantLock> ADMIN_LOCKS =
            new java.util.concurrent.ConcurrentHashMap<>();

    public boolean branchExists(Path repository, String branch) {
        return tryRun(repository, List.of("show-ref", "--verify", "--quiet", "refs/heads/" + branch)) == 0;
    }

    public void deleteBranch(Path repository, String branch) {
        if (branchExists(repository, branch)) {
            run(repository, List.of("branch", "-D", branch));
        }
    }

    /**
     * Stages every change and returns the paths staged by this call: the files changed since the
     * previous call (one git process, so it is cheap enough to run after every task).
     */
    public List<String> stageAll(Path worktree) {
        String out = run(worktree, List.of("add", "-A", "-v"));
        List<String> files = new ArrayList<>();
        for (String line : out.split("\n")) {
            int q = line.indexOf('\'');
            if (q > 0 && line.endsWith("'")) files.add(line.substring(q + 1, line.length() - 1));
        }
        return files;
    }

    /** Stages everything and commits (an empty commit when nothing changed); returns the new HEAD. */
    public String commitAll(Path worktree, String message) {
        run(worktree, List.of("add", "-A"));
        List<String> commit = new ArrayList<>(IDENTITY);
        commit.addAll(List.of("commit", "--allow-empty", "--no-verify", "-q", "-m", message));
        run(worktree, commit);
        return head(worktree);
    }

    public String head(Path worktree) {
        return run(worktree, List.of("rev-parse", "HEAD")).trim();
    }

    /** Puts the worktree back exactly at {@code commit}: tracked changes and untracked files are dropped. */
    public void resetHard(Path worktree, String commit) {
        run(worktree, List.of("reset", "-q", "--hard", commit));
        run(worktree, List.of("clean", "-q", "-fd"));
    }

    /** Commits in {@code base..HEAD} whose message starts with {@code prefix}, oldest first. */
    public List<String> commitsSince(Path worktree, String base, String prefix) {
        String out = run(worktree, List.of("rev-list", "--reverse", "--fixed-strings", "--grep=" + prefix, base + "..HEAD"));
        List<String> shas = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) continue;
            String subject = run(worktree, List.of("log", "-1", "--format=%s", line.strip()));
            if (subject.startsWith(prefix)) shas.add(line.strip());
        }
        return shas;
    }

    /** Replays {@code commit} on HEAD; on a conflict the attempt is undone and the worktree stays at HEAD. */
    public Attempt cherryPick(Path worktree, String commit) {
        List<String> args = new ArrayList<>(IDENTITY);
        args.addAll(List.of("cherry-pick", "--allow-empty", "--keep-redundant-commits", commit));
        Attempt a = attempt(worktree, args, Map.of());
        if (!a.succeeded()) exec(worktree, List.of("cherry-pick", "--abort"), Map.of());
        return a;
    }

    /** Paths (relative to the worktree) that differ from HEAD, untracked ones included. */
    public List<String> changedFiles(Path worktree) {
        String out = run(worktree, List.of("status", "--porcelain=v1", "-z", "--untracked-files=all"));
        List<String> files = new ArrayList<>();
        String[] entries = out.split("\0");
        for (int i = 0; i < entries.length; i++) {
            String e = entries[i];
            if (e.length() < 4) continue;
            files.add(e.substring(3));
            if (e.charAt(0) == 'R' || e.charAt(0) == 'C') i++; // the next entry is the rename's source
        }
        return files;
    }

    /**
     * Runs {@code work} while no other Baton operation that takes this lock (worktree administration,
     * a diff apply) runs on the same repository.
     */
    public <T> T withRepositoryLock(Path repository, Supplier<T> work) {
        var lock = adminLock(repository);
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /** The outcome of a command whose failure is an answer (a patch that does not apply, a ref that moved), not an error. */
    public record Attempt(boolean succeeded, String error) {
    }

    /** The commit {@code branch} points at, or empty when there is no such branch. */
    public Optional<String> branchHead(Path repository, String branch) {
        Result r = exec(repository, List.of("rev-parse", "--verify", "--quiet", "refs/heads/" + branch + "^{commit}"), Map.of());
        return r.exitCode == 0 ? Optional.of(r.stdout.trim()) : Optional.empty();
    }

    public String treeOf(Path repository, String commit) {
        return run(repository, List.of("rev-parse", "--verify", commit + "^{tree}")).trim();
    }

    /** The folders (as git recorded them) of the worktrees, the main one included, that have {@code branch} checked out. */
    public List<Path> worktreesWithBranch(Path repository, String branch) {
        // -z (git 2.36+): NUL-terminated fields, so folder names with newlines parse too.
        String out = run(repository, List.of("worktree", "list", "--porcelain", "-z"));
        List<Path> found = new ArrayList<>();
        String folder = null;
        for (String field : out.split("\0", -1)) {
            if (field.startsWith("worktree ")) folder = field.substring("worktree ".length());
            else if (field.equals("branch refs/heads/" + branch) && folder != null) found.add(Path.of(folder));
        }
        return found;
    }

    /** Fills the index file {@code index} (not the repository's own index) with the tree of {@code commit}. */
    public void readTree(Path repository, Path index, String commit) {
        run(repository, List.of("read-tree", commit), indexEnv(index));
    }

    /**
     * Applies {@code patch} to the index file {@code index} only; no working tree is read or written.
     * A three-way merge lets a patch made against an older commit apply when its change does not
     * overlap later ones; git itself falls back to a direct apply when the patch lacks usable blob ids.
     * On a conflict git fails and leaves unmerged entries in {@code index} (needs git 2.32+).
     */
    public Attempt applyToIndex(Path repository, Path index, Path patch) {
        return attempt(repository, List.of("apply", "--cached", "--3way", patch.toString()), indexEnv(index));
    }

    /** Writes the tree of the index file {@code index}; fails while it holds unmerged entries. */
    public String writeTree(Path repository, Path index) {
        return run(repository, List.of("write-tree"), indexEnv(index)).trim();
    }

    /** Creates a commit of {@code tree} on top of {@code parent} without touching any branch. */
    public String commitTree(Path repository, String tree, String parent, String message) {
        List<String> args = new ArrayList<>(IDENTITY);
        args.addAll(List.of("commit-tree", tree, "-p", parent, "-m", message));
        return run(repository, args).trim();
    }

    /** Paths that differ between two commits; a rename counts as its old and its new path. */
    public List<String> changedPaths(Path repository, String from, String to) {
        String out = run(repository, List.of("diff-tree", "-r", "--name-only", "--no-renames", "-z", from, to));
        return Arrays.stream(out.split("\0")).filter(p -> !p.isEmpty()).toList();
    }

    /** Moves {@code branch} to {@code commit} only if it still points at {@code expected} (compare-and-swap). */
    public Attempt updateBranch(Path repository, String branch, String commit, String expected, String reason) {
        return attempt(repository, List.of("update-ref", "-m", reason, "refs/heads/" + branch, commit, expected), Map.of());
    }

    /**
     * Fast-forwards the branch checked out in {@code worktree} to {@code commit}, updating its files;
     * git refuses, changing nothing, when local changes or untracked files would be overwritten.
     */
    public Attempt fastForward(Path worktree, String commit) {
        return attempt(worktree, List.of("merge", "--ff-only", "--quiet", commit), Map.of());
    }

    private static Map<String, String> indexEnv(Path index) {
        return Map.of("GIT_INDEX_FILE", index.toAbsolutePath().toString());
    }

    private int tryRun(Path dir, List<String> args) {
        return exec(dir, args, Map.of()).exitCode;
    }

    /**
     * Runs {@code git <args>} in {@code dir} and returns its standard output; for a feature that keeps its own
     * git operations together (as {@link WorktreeTransfer} does) rather than adding each one here.
     *
     * @throws BatonException.Transient when git fails, with its message
     */
    public String run(Path dir, List<String> args) {
        return run(dir, args, Map.of());
    }

    /** Runs {@code git <args>} in {@code dir}; a failure is an answer, not an exception. */
    public Attempt attempt(Path dir, List<String> args) {
        return attempt(dir, args, Map.of());
    }

    /** Runs {@code git <args>} in {@code dir} with its standard output written to {@code out} as bytes (a binary diff, say). */
    public void runToFile(Path dir, List<String> args, Path out) {
        Result r = exec(dir, args, Map.of(), out);
        if (r.exitCode != 0) {
            throw new BatonException.Transient("git.command-failed",
                    "git %s failed in %s (exit %d): %s".formatted(String.join(" ", args), dir, r.exitCode, r.stderr.strip()), null);
        }
    }

    private String run(Path dir, List<String> args, Map<String, String> env) {
        Result r = exec(dir, args, env);
        if (r.exitCode != 0) {
            throw new BatonException.Transient("git.command-failed",
                    "git %s failed in %s (exit %d): %s".formatted(String.join(" ", args), dir, r.exitCode, r.stderr.strip()), null);
        }
        return r.stdout;
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    private Attempt attempt(Path dir, List<String> args, Map<String, String> env) {
        Result r = exec(dir, args, env);
        return new Attempt(r.exitCode == 0, r.stderr.strip());
    }

    private Result exec(Path dir, List<String> args, Map<String, String> env) {
        return exec(dir, args, env, null);
    }

    private Result exec(Path dir, List<String> args, Map<String, String> env, Path stdoutFile) {
        List<String> argv = new ArrayList<>();
        argv.add(executable);
        if (dir != null) {
            argv.add("-C");
            argv.add(dir.toString());
        }
        argv.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        pb.environment().put("LC_ALL", "C");
        pb.environment().putAll(env);
        if (stdoutFile != null) pb.redirectOutput(stdoutFile.toFile());
        long start = System.nanoTime();
        String sub = subcommand(args);
        boolean ok = false;
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            // Both pipes drain at once on their own threads: a full stderr pipe must never block stdout.
            CompletableFuture<String> out = stdoutFile != null ? CompletableFuture.completedFuture("")
                    : CompletableFuture.supplyAsync(() -> drain(p.getInputStream()), DRAINERS);
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()), DRAINERS);
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new BatonException.Transient("git.timeout",
                        "git %s timed out after %d ms in %s".formatted(String.join(" ", args), timeout.toMillis(), dir), null);
            }
            Result r = new Result(p.exitValue(), out.join(), err.join());
            ok = r.exitCode == 0;
            return r;
        } catch (IOException e) {
            throw new BatonException.Transient("git.unavailable", "cannot run '" + executable + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BatonException.Transient("git.interrupted", "interrupted while running git " + sub, e);
        } finally {
            listener.ran(sub, Duration.ofNanos(System.nanoTime() - start), ok);
        }
    }

    /** The git subcommand for metrics: the first argument that is not an option or an option's value. */
    private static String subcommand(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-c") || a.equals("-C")) i++;
            else if (!a.startsWith("-")) return a;
        }
        return args.isEmpty() ? "" : args.getFirst();
    }

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            return buf.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
