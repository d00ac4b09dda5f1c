package dev.baton.git;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static dev.baton.git.GitFixtures.output;
import static org.assertj.core.api.Assertions.assertThat;

class DiffApplierTest {
    static final String BRANCH = "baton/wf-1";
    static final String TEN_LINES = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n";

    @TempDir
    Path tmp;
    Path repo;
    Path scratch;
    GitCli git;
    DiffApplier applier;
    String base;

    @BeforeEach
    void setUp() throws Exception {
        git = new GitCli(Duration.ofSeconds(60));
        applier = new DiffApplier(git, DiffApplier.DEFAULT_MAX_DIFF_BYTES);
        repo = GitFixtures.initRepository(tmp.resolve("repo"), "README.md", "hello\n");
        Files.writeString(repo.resolve("lines.txt"), TEN_LINES);
        Files.writeString(repo.resolve("gone.txt"), "to be deleted\n");
        Files.writeString(repo.resolve("run.sh"), "echo run\n");
        output(repo, "add", "-A");
        output(repo, "commit", "-q", "-m", "more files");
        base = git.head(repo);
        output(repo, "branch", BRANCH);
        scratch = tmp.resolve("scratch");
        output(repo, "worktree", "add", "-q", "--detach", scratch.toString(), base);
    }

    /** A diff as a worker makes it: edits in the scratch checkout (at {@code at}), then {@code git diff}. */
    Path diff(String at, ScratchEdit edit) throws Exception {
        output(scratch, "checkout", "-q", "--detach", at);
        edit.apply(scratch);
        output(scratch, "add", "-A");
        String text = output(scratch, "diff", "--cached", "-M", at);
        output(scratch, "reset", "-q", "--hard", at);
        output(scratch, "clean", "-q", "-fd");
        return write(text);
    }

    interface ScratchEdit {
        void apply(Path dir) throws Exception;
    }

    Path write(String text) throws Exception {
        Path file = Files.createTempFile(tmp, "task", ".diff");
        Files.writeString(file, text);
        return file;
    }

    /** Commits {@code edit} on the branch itself, as a checkpoint of the engine would. */
    String commitOnBranch(ScratchEdit edit) throws Exception {
        Path wt = tmp.resolve("committer");
        git.addWorktree(repo, wt, BRANCH);
        edit.apply(wt);
        String sha = git.commitAll(wt, "checkpoint");
        git.removeWorktree(repo, wt);
        return sha;
    }

    String branchHead() {
        return git.branchHead(repo, BRANCH).orElseThrow();
    }

    String show(String rev, String path) throws Exception {
        return output(repo, "show", rev + ":" + path);
    }

    DiffOutcome apply(Path worktree, Path diff) {
        return applier.apply(repo, BRANCH, worktree, diff, "TASK-001", "wf-1");
    }

    static String reason(DiffOutcome outcome) {
        assertThat(outcome).isInstanceOf(DiffOutcome.Rejected.class);
        return ((DiffOutcome.Rejected) outcome).reason();
    }

    static DiffOutcome.Applied applied(DiffOutcome outcome) {
        assertThat(outcome).isInstanceOf(DiffOutcome.Applied.class);
        return (DiffOutcome.Applied) outcome;
    }

    @Test
    void appliesToTheBranchWithoutTouchingAnyCheckout() throws Exception {
        Path diff = diff(base, d -> {
            Files.writeString(d.resolve("README.md"), "hello\nworld\n");
            Files.createDirectories(d.resolve("src"));
            Files.writeString(d.resolve("src/new.txt"), "new\n");
        });

        var outcome = applied(apply(null, diff));

        assertThat(branchHead()).isEqualTo(outcome.commit());
        assertThat(output(repo, "rev-parse", outcome.commit() + "^")).isEqualTo(base + "\n");
        assertThat(output(repo, "log", "-1", "--format=%s", BRANCH)).isEqualTo("baton: apply TASK-001 [wf-1]\n");
        assertThat(show(BRANCH, "README.md")).isEqualTo("hello\nworld\n");
        assertThat(show(BRANCH, "src/new.txt")).isEqualTo("new\n");
        assertThat(outcome.files()).containsExactlyInAnyOrder("README.md", "src/new.txt");
        assertThat(git.head(repo)).isEqualTo(base);
        assertThat(repo.resolve("README.md")).hasContent("hello");
        assertThat(git.changedFiles(repo)).isEmpty();
    }

    @Test
    void bringsTheWorktreeThatHasTheBranchCheckedOutAlong() throws Exception {
        Path wt = tmp.resolve("wt/app");
        git.addWorktree(repo, wt, BRANCH);
        Path diff = diff(base, d -> Files.writeString(d.resolve("README.md"), "hello\nworld\n"));

        var outcome = applied(apply(wt, diff));

        assertThat(git.head(wt)).isEqualTo(outcome.commit()).isEqualTo(branchHead());
        assertThat(wt.resolve("README.md")).hasContent("hello\nworld");
        assertThat(git.changedFiles(wt)).isEmpty();
    }

    @Test
    void findsTheCheckedOutWorktreeWhenTheCallerNamesNone() throws Exception {
        Path wt = tmp.resolve("wt/app");
        git.addWorktree(repo, wt, BRANCH);
        Path diff = diff(base, d -> Files.writeString(d.resolve("README.md"), "hello\nworld\n"));

        var outcome = applied(apply(null, diff));

        assertThat(git.head(wt)).isEqualTo(outcome.commit());
        assertThat(wt.resolve("README.md")).hasContent("hello\nworld");
        assertThat(git.changedFiles(wt)).isEmpty();
    }

    @Test
    void mergesThreeWayWhenTheBranchMovedOnSinceTheDiffWasMade() throws Exception {
        Path diff = diff(base, d -> Files.writeString(d.resolve("lines.txt"), TEN_LINES.replace("two", "TWO")));
        // "four" is inside the diff's context, so only a three-way merge can apply it now
        String later = commitOnBranch(d -> Files.writeString(d.resolve("lines.txt"), TEN_LINES.replace("four", "FOUR")));

        var outcome = applied(apply(null, diff));

        assertThat(output(repo, "rev-parse", outcome.commit() + "^")).isEqualTo(later + "\n");
        assertThat(show(BRANCH, "lines.txt")).isEqualTo(TEN_LINES.replace("two", "TWO").replace("four", "FOUR"));
    }

    @Test
    void conflictIsRejectedAndLeavesBranchAndWorktreeAlone() throws Exception {
        Path diff = diff(base, d -> Files.writeString(d.resolve("lines.txt"), TEN_LINES.replace("four", "4")));
        String later = commitOnBranch(d -> Files.writeString(d.resolve("lines.txt"), TEN_LINES.replace("four", "FOUR")));
        Path wt = tmp.resolve("wt/app");
        git.addWorktree(repo, wt, BRANCH);

        assertThat(reason(apply(wt, diff))).contains("conflict").contains("lines.txt");

        assertThat(branchHead()).isEqualTo(later);
        assertThat(git.head(wt)).isEqualTo(later);
        assertThat(wt.resolve("lines.txt")).hasContent(TEN_LINES.replace("four", "FOUR").strip());
        assertThat(git.changedFiles(wt)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../etc/passwd", "/abs/path", ".git/config"})
    void pathsOutsideTheRepositoryAreRejected(String path) throws Exception {
        String prefixed = path.startsWith("/") ? path : "b/" + path;
        Path diff = write("""
                diff --git a/README.md b/README.md
                --- a/README.md
                +++ b/README.md
                @@ -1 +1 @@
                -hello
                +bye
                --- /dev/null
                +++ %s
                @@ -0,0 +1 @@
                +owned
                """.formatted(prefixed));

        assertThat(reason(apply(null, diff))).startsWith("unsafe paths").contains(path);
        assertThat(branchHead()).isEqualTo(base);
    }

    @Test
    void textThatIsNoDiffIsRejected() throws Exception {
        assertThat(reason(apply(null, write("please apply my change\n")))).isEqualTo("malformed: no file changes found");
        assertThat(reason(apply(null, write("""
                diff --git a/README.md b/README.md
                --- a/README.md
                +++ b/README.md
                @@ -1,3 +1,3 @@
                -hello
                """)))).startsWith("malformed: ").contains("corrupt patch");
        assertThat(reason(apply(null, write("diff --git a/x b/x\n\0\0binary")))).startsWith("malformed: ").contains("NUL");
        assertThat(branchHead()).isEqualTo(base);
    }

    @Test
    void oversizeDiffIsRejectedNamingSizeAndCap() throws Exception {
        Path diff = diff(base, d -> Files.writeString(d.resolve("README.md"), "x".repeat(500) + "\n"));
        long size = Files.size(diff);

        var small = new DiffApplier(git, 100);

        assertThat(reason(small.apply(repo, BRANCH, null, diff, "TASK-001", "wf-1")))
                .isEqualTo("diff is " + size + " bytes, over the cap of 100 bytes");
        assertThat(branchHead()).isEqualTo(base);
    }

    @Test
    void missingBranchOrDiffFileIsRejected() throws Exception {
        Path diff = diff(base, d -> Files.writeString(d.resolve("README.md"), "bye\n"));

        assertThat(reason(applier.apply(repo, "baton/nope", null, diff, "TASK-001", "nope")))
                .startsWith("branch baton/nope does not exist");
        assertThat(reason(apply(null, tmp.resolve("missing.diff")))).contains("does not exist");
    }

    @Test
    void uncommittedChangeInTheWorktreeIsKeptAndTheDiffRejected() throws Exception {
        Path wt = tmp.resolve("wt/app");
        git.addWorktree(repo, wt, BRANCH);
        Files.writeString(wt.resolve("README.md"), "local work\n");
        Path diff = diff(base, d -> Files.writeString(d.resolve("README.md"), "hello\nworld\n"));

        assertThat(reason(apply(wt, diff))).isEqualTo("worktree has uncommitted changes to README.md");

        assertThat(branchHead()).isEqualTo(base);
        assertThat(git.head(wt)).isEqualTo(base);
        assertThat(wt.resolve("README.md")).hasContent("local work");
    }

    @Test
    void createsDeletesRenamesAndChangesModes() throws Exception {
        Path wt = tmp.resolve("wt/app");
        git.addWorktree(repo, wt, BRANCH);
        Path diff = diff(base, d -> {
            Files.move(d.resolve("lines.txt"), d.resolve("renamed.txt"));
            Files.delete(d.resolve("gone.txt"));
            Files.writeString(d.resolve("created.txt"), "created\n");
            assertThat(d.resolve("run.sh").toFile().setExecutable(true)).isTrue();
        });
        assertThat(Files.readString(diff)).contains("rename from lines.txt", "deleted file mode", "new file mode", "new mode 100755");

        var outcome = applied(apply(wt, diff));

        assertThat(outcome.files()).containsExactlyInAnyOrder("lines.txt", "renamed.txt", "gone.txt", "created.txt", "run.sh");
        assertThat(output(repo, "ls-tree", "-r", "--format=%(objectmode) %(path)", BRANCH)).isEqualTo("""
                100644 README.md
                100644 created.txt
                100644 renamed.txt
                100755 run.sh
                """);
        assertThat(wt.resolve("renamed.txt")).hasContent(TEN_LINES.strip());
        assertThat(wt.resolve("lines.txt")).doesNotExist();
        assertThat(wt.resolve("gone.txt")).doesNotExist();
        assertThat(Files.isExecutable(wt.resolve("run.sh"))).isTrue();
        assertThat(git.changedFiles(wt)).isEmpty();
    }

    @Test
    void aDiffAlreadyAppliedChangesNothingAndIsRejected() throws Exception {
        Path diff = diff(base, d -> Files.writeString(d.resolve("README.md"), "hello\nworld\n"));
        String first = applied(apply(null, diff)).commit();

        assertThat(reason(apply(null, diff))).isEqualTo("diff changes nothing (already applied or empty)");
        assertThat(branchHead()).isEqualTo(first);
    }

    @Test
    void aSymlinkOutOfTheRepositoryAndAFileThroughItAreRejected() throws Exception {
        Path wt = tmp.resolve("wt/app");
        git.addWorktree(repo, wt, BRANCH);
        Path outside = tmp.resolve("outside");
        Files.createDirectories(outside);
        Path trick = write("""
                diff --git a/link b/link
                new file mode 120000
                --- /dev/null
                +++ b/link
                @@ -0,0 +1 @@
                +../../outside
                \\ No newline at end of file
                diff --git a/link/x b/link/x
                new file mode 100644
                --- /dev/null
                +++ b/link/x
                @@ -0,0 +1 @@
                +owned
                """);

        assertThat(reason(apply(wt, trick))).contains("symlink link points outside the repository");

        assertThat(branchHead()).isEqualTo(base);
        assertThat(outside.resolve("x")).doesNotExist();
        assertThat(wt.resolve("link")).doesNotExist();
    }

    @Test
    void gitItselfRefusesToWriteThroughASymlinkAlreadyOnTheBranch() throws Exception {
        // Such a symlink can only come from outside Baton (our own check refuses to create it).
        Path outside = tmp.resolve("outside");
        Files.createDirectories(outside);
        String linked = commitOnBranch(d -> Files.createSymbolicLink(d.resolve("link"), Path.of("../../outside")));
        Path wt = tmp.resolve("wt/app");
        git.addWorktree(repo, wt, BRANCH);
        Path through = write("""
                diff --git a/link/x b/link/x
                new file mode 100644
                --- /dev/null
                +++ b/link/x
                @@ -0,0 +1 @@
                +owned
                """);

        assertThat(reason(apply(wt, through))).isEqualTo("does not apply: affected file 'link/x' is beyond a symbolic link");

        assertThat(branchHead()).isEqualTo(linked);
        assertThat(outside.resolve("x")).doesNotExist();
        assertThat(git.changedFiles(wt)).isEmpty();
    }

    @Test
    void aWorktreeThatDoesNotHaveTheBranchIsRefused() throws Exception {
        Path diff = diff(base, d -> Files.writeString(d.resolve("README.md"), "bye\n"));

        assertThat(reason(apply(scratch, diff))).contains("does not have branch " + BRANCH + " checked out");
        assertThat(branchHead()).isEqualTo(base);
    }
}
