package dev.baton.git;

import dev.baton.shared.BatonException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Applies a worker's unified diff to a workflow's branch as one commit (seed 000 §2.4).
 * <p>
 * The diff is applied to a throwaway index built from the branch, never to a working tree, so a diff
 * that is unsafe, malformed or conflicting is refused before anything visible changes. Only a finished
 * commit moves the branch: by compare-and-swap when no worktree has it checked out, else by a
 * fast-forward in that worktree, which git refuses (changing nothing) when it would overwrite local work.
 * Needs git 2.36 or later ({@code apply --cached --3way}, {@code worktree list -z}).
 */
public final class DiffApplier {
    /** How the commits of applied diffs begin: a restore to a checkpoint carries them over (see CheckpointPlan). */
    public static final String COMMIT_PREFIX = "baton: apply ";
    private static final Logger log = LoggerFactory.getLogger(DiffApplier.class);

    /** 10 MiB: a worker's change is source text; anything larger is a mistake or an attack. */
    public static final long DEFAULT_MAX_DIFF_BYTES = 10L * 1024 * 1024;

    /** git's words for a patch it could not even read, as opposed to one that does not fit the branch. */
    private static final List<String> MALFORMED_MARKERS = List.of("corrupt patch", "No valid patches", "lacks filename information",
            "patch fragment without header", "unrecognized input", "patch with only garbage");

    private final GitCli git;
    private final long maxDiffBytes;

    public DiffApplier(GitCli git, long maxDiffBytes) {
        if (maxDiffBytes <= 0) throw new IllegalArgumentException("maxDiffBytes must be positive, was " + maxDiffBytes);
        this.git = git;
        this.maxDiffBytes = maxDiffBytes;
    }

    public DiffApplier(GitCli git) {
        this(git, DEFAULT_MAX_DIFF_BYTES);
    }

    /**
     * @param repository the main repository folder
     * @param branch     the branch to commit to; it must exist
     * @param worktree   the folder where {@code branch} is checked out, or null when none is
     * @param diffFile   the worker's diff
     * @return the new commit, or why nothing changed
     * @throws BatonException.Transient when git itself fails (timeout, a lock file left behind)
     */
    public DiffOutcome apply(Path repository, String branch, Path worktree, Path diffFile, String taskId, String workflowId) {
        DiffOutcome outcome;
        try {
            byte[] diff = read(diffFile);
            checkText(diff);
            String message = COMMIT_PREFIX + "%s [%s]".formatted(taskId, workflowId);
            outcome = git.withRepositoryLock(repository, () -> applyLocked(repository, branch, worktree, diff, message));
        } catch (Refused r) {
            outcome = new DiffOutcome.Rejected(r.getMessage());
        }
        switch (outcome) {
            case DiffOutcome.Applied a -> log.info("Diff {} of task {} ({}) applied to {} in {} as {} ({} files)",
                    diffFile, taskId, workflowId, branch, repository, a.commit(), a.files().size());
            case DiffOutcome.Rejected r -> log.info("Diff {} of task {} ({}) rejected for {} in {}: {}",
                    diffFile, taskId, workflowId, branch, repository, r.reason());
        }
        return outcome;
    }

    private byte[] read(Path diffFile) {
        try {
            long size = Files.size(diffFile);
            if (size > maxDiffBytes) throw tooLarge(size);
            // Read at most one byte past the cap, in case the file grew since it was measured.
            try (InputStream in = Files.newInputStream(diffFile)) {
                byte[] bytes = in.readNBytes((int) Math.min(maxDiffBytes + 1, Integer.MAX_VALUE - 8));
                if (bytes.length > maxDiffBytes) throw tooLarge(bytes.length);
                return bytes;
            }
        } catch (NoSuchFileException e) {
            throw new Refused("diff file " + diffFile + " does not exist");
        } catch (IOException e) {
            throw new Refused("cannot read diff file " + diffFile + ": " + e.getMessage());
        }
    }

    private Refused tooLarge(long size) {
        return new Refused("diff is %d bytes, over the cap of %d bytes".formatted(size, maxDiffBytes));
    }

    /** Refuses what is not a diff, or names a path git must not write; git sees only diffs that pass. */
    private static void checkText(byte[] diff) {
        for (byte b : diff) {
            if (b == 0) throw new Refused("malformed: the diff contains NUL bytes (a binary file, not a diff)");
        }
        // Lenient decoding: a diff of a Latin-1 file is still a diff; the path checks only need ASCII.
        DiffPaths.Scan scan = DiffPaths.scan(new String(diff, StandardCharsets.UTF_8));
        if (scan.fileDiffs() == 0) throw new Refused("malformed: no file changes found");
        if (!scan.problems().isEmpty()) throw new Refused("unsafe paths: " + String.join("; ", scan.problems()));
    }

    private DiffOutcome applyLocked(Path repository, String branch, Path worktree, byte[] diff, String message) {
        String old = git.branchHead(repository, branch)
                .orElseThrow(() -> new Refused("branch " + branch + " does not exist in " + repository));
        Path checkout = checkoutOf(repository, branch, worktree);
        if (checkout != null && !git.head(checkout).equals(old)) {
            throw new Refused("worktree " + checkout + " is not at the head of " + branch + ", retry");
        }
        Path scratch = scratchFolder();
        try {
            Path index = scratch.resolve("index");
            // git applies this copy, the one that was checked, even if the worker rewrites its file meanwhile
            Path patch = scratch.resolve("change.diff");
            Files.write(patch, diff);
            git.readTree(repository, index, old);
            GitCli.Attempt applied = git.applyToIndex(repository, index, patch);
            if (!applied.succeeded()) throw new Refused(whyNotApplied(applied.error()));
            String tree = git.writeTree(repository, index);
            if (tree.equals(git.treeOf(repository, old))) throw new Refused("diff changes nothing (already applied or empty)");
            String commit = git.commitTree(repository, tree, old, message);
            List<String> files = git.changedPaths(repository, old, commit);
            moveBranch(repository, branch, checkout, old, commit, message);
            return new DiffOutcome.Applied(commit, files);
        } catch (IOException e) {
            throw new BatonException.Transient("git.diff-scratch", "cannot write the diff to " + scratch + ": " + e.getMessage(), e);
        } finally {
            deleteScratch(scratch);
        }
    }

    /**
     * The worktree that has {@code branch} checked out, as git records it, or null. Moving the branch
     * under a checkout without updating its files would make the checkout look like it undid the diff.
     */
    private Path checkoutOf(Path repository, String branch, Path worktree) {
        List<Path> checkouts = git.worktreesWithBranch(repository, branch).stream().filter(Files::isDirectory).toList();
        if (worktree != null && checkouts.stream().noneMatch(c -> sameFolder(c, worktree))) {
            throw new Refused("worktree " + worktree + " does not have branch " + branch + " checked out");
        }
        if (checkouts.size() > 1) {
            throw new Refused("branch " + branch + " is checked out in " + checkouts.size() + " worktrees " + checkouts + "; only one can follow it");
        }
        return checkouts.isEmpty() ? null : checkouts.getFirst();
    }

    private void moveBranch(Path repository, String branch, Path checkout, String old, String commit, String message) {
        if (checkout == null) {
            GitCli.Attempt moved = git.updateBranch(repository, branch, commit, old, message);
            if (moved.succeeded()) return;
            if (moved.error().contains("but expected")) throw new Refused("branch " + branch + " moved while the diff was applied, retry");
            throw new BatonException.Transient("git.update-ref", "cannot move " + branch + " in " + repository + ": " + moved.error(), null);
        }
        GitCli.Attempt forwarded = git.fastForward(checkout, commit);
        if (!forwarded.succeeded()) throw new Refused(whyNotFastForwarded(checkout, branch, forwarded.error()));
    }

    private static String whyNotApplied(String error) {
        List<String> conflicted = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (String line : error.split("\n")) {
            if (line.startsWith("Applied patch to '") && line.endsWith("' with conflicts.")) {
                conflicted.add(line.substring("Applied patch to '".length(), line.length() - "' with conflicts.".length()));
            } else if ((line.startsWith("error: ") || line.startsWith("fatal: ")) && !line.contains("lacks the necessary blob")) {
                errors.add(line.substring(line.indexOf(' ') + 1));
            }
        }
        if (!conflicted.isEmpty()) return "conflicts with the branch in " + String.join(", ", conflicted);
        String said = errors.isEmpty() ? error.strip() : String.join("; ", errors);
        boolean malformed = MALFORMED_MARKERS.stream().anyMatch(said::contains);
        return (malformed ? "malformed: " : "does not apply: ") + said;
    }

    /** git lists the paths in the way as tab-indented lines under the sentence that says why. */
    private static String whyNotFastForwarded(Path checkout, String branch, String error) {
        List<String> reasons = new ArrayList<>();
        String label = null;
        List<String> paths = new ArrayList<>();
        for (String line : (error + "\n").split("\n")) {
            if (line.startsWith("\t") && label != null) {
                paths.add(line.substring(1));
                continue;
            }
            if (label != null) reasons.add(label + String.join(", ", paths));
            label = null;
            paths = new ArrayList<>();
            if (line.contains("Your local changes to the following files would be overwritten")) {
                label = "worktree has uncommitted changes to ";
            } else if (line.contains("untracked working tree files would be overwritten")) {
                label = "worktree has untracked files in the way: ";
            } else if (line.contains("Not possible to fast-forward")) {
                reasons.add("branch " + branch + " moved while the diff was applied, retry");
            }
        }
        return reasons.isEmpty() ? "cannot update worktree " + checkout + ": " + error : String.join("; ", reasons);
    }

    private static boolean sameFolder(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static Path scratchFolder() {
        try {
            return Files.createTempDirectory("baton-diff-");
        } catch (IOException e) {
            throw new BatonException.Transient("git.diff-scratch", "cannot create a temporary folder: " + e.getMessage(), e);
        }
    }

    /** The folder holds only flat files: the index, its lock if git was killed, and the diff. */
    private static void deleteScratch(Path scratch) {
        try (Stream<Path> files = Files.list(scratch)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
            Files.deleteIfExists(scratch);
        } catch (IOException e) {
            log.warn("Cannot delete temporary folder {}: {}", scratch, e.getMessage());
        }
    }

    /** A refusal on the way through the steps; it becomes {@link DiffOutcome.Rejected} with this message. */
    private static final class Refused extends RuntimeException {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }
}
