package dev.baton.git;

import dev.baton.shared.BatonException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The git half of a worker that keeps its own copies of the repositories (proto {@code workspace.proto}):
 * the server describes and packs a worktree ({@link #state}, {@link #bundle}, {@link #stagedChanges}), the
 * worker rebuilds it in its copy ({@link #restore}) and diffs what its agent changed ({@link #stageTree},
 * {@link #diff}), and the server applies that diff to its worktree ({@link #apply}).
 * <p>
 * Trees are the common currency: git names a tree by its content, so the worker's tree after a task and the
 * server's after applying and staging the diff are the same id exactly when the files are the same.
 */
public final class WorktreeTransfer {
    private static final String HEADS = "refs/heads/";
    /** Where a fetched bundle's branch lands in the copy before it is checked out. */
    private static final String FETCHED = "refs/baton/fetched";
    /** Binary-safe, rename-free diffs with full blob ids, which {@code git apply} checks against the files it patches. */
    private static final List<String> DIFF = List.of("diff", "--binary", "--no-renames", "--full-index", "--no-color", "--no-ext-diff");

    private final GitCli git;

    public WorktreeTransfer(GitCli git) {
        this.git = git;
    }

    /**
     * What a worktree holds: the branch checked out, its head, and the tree of its index (the head plus what is
     * staged). The engine stages after every task, so the index is the worktree as the last task left it.
     */
    public record State(String branch, String commit, String tree) {
        public String branchName() {
            return branch.startsWith(HEADS) ? branch.substring(HEADS.length()) : branch;
        }
    }

    /** The worktree's state; the branch is a full ref ({@code refs/heads/baton/<workflow>}). */
    public State state(Path worktree) {
        // One process for both: the commit, then the branch checked out ("HEAD" when detached); the option applies to what follows it.
        String[] head = git.run(worktree, List.of("rev-parse", "HEAD", "--symbolic-full-name", "HEAD")).trim().split("\n");
        if (head.length != 2 || !head[1].trim().startsWith(HEADS)) {
            throw new BatonException.Conflict("worktree.detached", "worktree " + worktree + " has no branch checked out");
        }
        return new State(head[1].trim(), head[0].trim(), tree(worktree));
    }

    /** The tree of the worktree's index: what the engine staged last. */
    public String tree(Path worktree) {
        return git.run(worktree, List.of("write-tree")).trim();
    }

    /**
     * Writes a bundle of the state's branch to {@code out}: only the commits after {@code have} when the
     * repository has {@code have} and it is an ancestor of the head, else the whole history.
     *
     * @return false, writing nothing, when {@code have} already is the head
     */
    public boolean bundle(Path worktree, State s, String have, Path out) {
        if (s.commit().equals(have)) return false;
        List<String> args = new ArrayList<>(List.of("bundle", "create", "-q", out.toString(), s.branch()));
        if (have != null && !have.isBlank() && isAncestor(worktree, have, s.commit())) args.add("^" + have);
        git.run(worktree, args);
        return true;
    }

    private boolean isAncestor(Path repo, String ancestor, String of) {
        return git.attempt(repo, List.of("cat-file", "-e", ancestor + "^{commit}")).succeeded()
                && git.attempt(repo, List.of("merge-base", "--is-ancestor", ancestor, of)).succeeded();
    }

    /** Writes what is staged on top of the head as a binary diff (an empty file when nothing is). */
    public void stagedChanges(Path worktree, Path out) {
        List<String> args = new ArrayList<>(DIFF);
        args.addAll(List.of("--cached", "HEAD"));
        git.runToFile(worktree, args, out);
    }

    /**
     * Makes {@code copy} hold exactly the state {@code s}: fetches the bundle (when there is one), checks the
     * branch out at the commit, drops other changes and untracked files (ignored ones stay, as build output
     * does in the server's worktree), and applies the staged changes.
     *
     * @param bundle null when the copy already has the commit
     * @param patch  null or empty when nothing is staged
     * @throws BatonException.Transient when git fails or the result is not the state's tree
     */
    public void restore(Path copy, State s, Path bundle, Path patch) {
        try {
            Files.createDirectories(copy);
        } catch (IOException e) {
            throw new BatonException.Transient("workdir.io", "cannot create " + copy + ": " + e.getMessage(), e);
        }
        if (!git.isRepository(copy)) git.run(copy, List.of("init", "-q"));
        if (bundle != null) git.run(copy, List.of("fetch", "-q", "--no-tags", bundle.toString(), "+" + s.branch() + ":" + FETCHED));
        git.run(copy, List.of("checkout", "-q", "-f", "-B", s.branchName(), s.commit()));
        git.run(copy, List.of("clean", "-q", "-fd"));
        try {
            if (patch != null && Files.size(patch) > 0) {
                GitCli.Attempt a = git.attempt(copy, List.of("apply", "--index", "--whitespace=nowarn", patch.toString()));
                if (!a.succeeded()) throw new BatonException.Transient("workdir.restore", "the staged changes do not apply to " + copy + ": " + a.error(), null);
            }
        } catch (IOException e) {
            throw new BatonException.Transient("workdir.io", "cannot read " + patch + ": " + e.getMessage(), e);
        }
        String tree = git.run(copy, List.of("write-tree")).trim();
        if (!tree.equals(s.tree())) {
            throw new BatonException.Transient("workdir.restore", "copy " + copy + " has tree " + tree + " after the fetch, not the server's " + s.tree(), null);
        }
    }

    /** The copy's head commit, or empty when it has none yet. */
    public String head(Path copy) {
        if (!git.isRepository(copy)) return "";
        GitCli.Attempt a = git.attempt(copy, List.of("rev-parse", "-q", "--verify", "HEAD^{commit}"));
        return a.succeeded() ? git.head(copy) : "";
    }

    /** Stages everything in the copy and returns its tree: what the agent left, to compare with the last one sent. */
    public String stageTree(Path copy) {
        git.run(copy, List.of("add", "-A"));
        return git.run(copy, List.of("write-tree")).trim();
    }

    /** Writes the binary diff from tree {@code from} to tree {@code to}. */
    public void diff(Path copy, String from, String to, Path out) {
        List<String> args = new ArrayList<>(DIFF);
        args.addAll(List.of(from, to));
        git.runToFile(copy, args, out);
    }

    /**
     * Applies a worker's diff to the worktree's files, leaving the index to the engine, which stages and reports
     * the changed files after the task as for its own agents. Nothing changes when the diff is refused: git
     * applies all of it or none.
     *
     * @return how many files the diff changes, or why it was refused
     */
    public Applied apply(Path worktree, Path patch) {
        String text;
        try {
            text = Files.readString(patch, StandardCharsets.ISO_8859_1); // the path checks need ASCII only
        } catch (IOException e) {
            throw new BatonException.Transient("workdir.io", "cannot read " + patch + ": " + e.getMessage(), e);
        }
        DiffPaths.Scan scan = DiffPaths.scan(text);
        if (!scan.problems().isEmpty()) return Applied.invalid("unsafe paths: " + String.join("; ", scan.problems()));
        if (scan.fileDiffs() == 0) return Applied.invalid("malformed: no file changes found");
        GitCli.Attempt a = git.attempt(worktree, List.of("apply", "--whitespace=nowarn", patch.toString()));
        return a.succeeded() ? new Applied(scan.fileDiffs(), null, false) : new Applied(0, "git apply refused it: " + a.error(), false);
    }

    /**
     * The outcome of {@link #apply}: the files changed, or why nothing was (null when applied).
     *
     * @param invalid the diff itself is wrong (unsafe paths, not a diff), rather than not fitting the worktree
     */
    public record Applied(int files, String refused, boolean invalid) {
        static Applied invalid(String why) {
            return new Applied(0, why, true);
        }

        public boolean ok() {
            return refused == null;
        }
    }

    /** The main repository folder of a worktree (where git keeps its objects), whose lock diff applies take. */
    public Path repositoryOf(Path worktree) {
        Path common = Path.of(git.run(worktree, List.of("rev-parse", "--path-format=absolute", "--git-common-dir")).trim());
        return common.getFileName() != null && common.getFileName().toString().equals(".git") ? common.getParent() : common;
    }
}
