package dev.baton.git;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static dev.baton.git.GitFixtures.output;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server's worktree → a worker's copy → the agent's changes → back into the worktree, with real git. */
class WorktreeTransferTest {
    @TempDir
    Path tmp;
    Path repo;
    Path worktree;
    Path copy;
    GitCli git;
    WorktreeTransfer transfer;

    @BeforeEach
    void setUp() throws Exception {
        git = new GitCli(Duration.ofSeconds(60));
        transfer = new WorktreeTransfer(git);
        repo = GitFixtures.initRepository(tmp.resolve("repo"), "README.md", "hello\n");
        Files.write(repo.resolve("logo.bin"), new byte[]{0, 1, 2, (byte) 0xff, 0, 7});
        Files.writeString(repo.resolve("gone.txt"), "to be deleted\n");
        output(repo, "add", "-A");
        output(repo, "commit", "-q", "-m", "more");
        worktree = tmp.resolve("worktrees/wf-1/repo");
        git.addWorktree(repo, worktree, "baton/wf-1");
        copy = tmp.resolve("workdir/wf-1/repo");
    }

    /** What Fetch does: the server packs, the worker restores. */
    WorktreeTransfer.State fetch() throws Exception {
        WorktreeTransfer.State s = transfer.state(worktree);
        Path bundle = tmp.resolve("b-" + System.nanoTime());
        Path patch = tmp.resolve("p-" + System.nanoTime());
        boolean bundled = transfer.bundle(worktree, s, transfer.head(copy), bundle);
        transfer.stagedChanges(worktree, patch);
        transfer.restore(copy, s, bundled ? bundle : null, patch);
        return s;
    }

    @Test
    void aCopyHoldsTheWorktreeWithItsStagedChangesAndTheAgentsChangesComeBackIdentical() throws Exception {
        // the engine staged a previous task's changes: they are part of the state
        Files.writeString(worktree.resolve("README.md"), "hello\nstaged by an earlier task\n");
        Files.writeString(worktree.resolve("new-staged.txt"), "new\n");
        git.stageAll(worktree);

        WorktreeTransfer.State s = fetch();
        assertThat(s.branch()).isEqualTo("refs/heads/baton/wf-1");
        assertThat(Files.readString(copy.resolve("README.md"))).isEqualTo("hello\nstaged by an earlier task\n");
        assertThat(Files.readString(copy.resolve("new-staged.txt"))).isEqualTo("new\n");
        assertThat(output(copy, "rev-parse", "--abbrev-ref", "HEAD").trim()).isEqualTo("baton/wf-1");
        String base = transfer.stageTree(copy);
        assertThat(base).isEqualTo(s.tree());

        // the agent: edits, a new binary file, a deletion, an executable bit, a new folder
        Files.writeString(copy.resolve("README.md"), "hello\nstaged by an earlier task\nand the agent's line\n");
        Files.write(copy.resolve("image.png"), new byte[]{(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13});
        Files.write(copy.resolve("logo.bin"), new byte[]{9, 0, 9});
        Files.delete(copy.resolve("gone.txt"));
        Path script = copy.resolve("tools/run.sh");
        Files.createDirectories(script.getParent());
        Files.writeString(script, "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        String after = transfer.stageTree(copy);
        Path diff = tmp.resolve("task.diff");
        transfer.diff(copy, base, after, diff);

        WorktreeTransfer.Applied applied = transfer.apply(worktree, diff);
        assertThat(applied.ok()).as(applied.refused()).isTrue();
        assertThat(applied.files()).isEqualTo(5);
        git.stageAll(worktree);
        assertThat(transfer.state(worktree).tree()).isEqualTo(after);
        assertThat(Files.readAllBytes(worktree.resolve("image.png"))).containsExactly(0x89, 'P', 'N', 'G', 0, 0, 0, 13);
        assertThat(Files.isExecutable(worktree.resolve("tools/run.sh"))).isTrue();
        assertThat(worktree.resolve("gone.txt")).doesNotExist();
    }

    @Test
    void aSecondFetchSendsOnlyNewCommitsAndDropsWhatTheCopyHadThatTheServerDoesNot() throws Exception {
        fetch();
        Files.writeString(copy.resolve("stray.txt"), "left by an agent whose push failed\n");
        Files.writeString(worktree.resolve("checkpoint.txt"), "committed by the engine\n");
        git.commitAll(worktree, "checkpoint");

        WorktreeTransfer.State s = transfer.state(worktree);
        Path bundle = tmp.resolve("incremental.bundle");
        assertThat(transfer.bundle(worktree, s, transfer.head(copy), bundle)).isTrue();
        String listed = output(repo, "bundle", "list-heads", bundle.toString());
        assertThat(listed).contains("refs/heads/baton/wf-1");
        // an incremental bundle names the commit the copy has as its prerequisite
        assertThat(output(repo, "bundle", "verify", bundle.toString())).isNotNull();
        assertThat(Files.readString(bundle, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("-" + transfer.head(copy));
        Path patch = tmp.resolve("none.diff");
        transfer.stagedChanges(worktree, patch);
        assertThat(Files.size(patch)).isZero();
        transfer.restore(copy, s, bundle, patch);

        assertThat(Files.readString(copy.resolve("checkpoint.txt"))).isEqualTo("committed by the engine\n");
        assertThat(copy.resolve("stray.txt")).doesNotExist();
        assertThat(transfer.head(copy)).isEqualTo(s.commit());
        assertThat(transfer.bundle(worktree, s, s.commit(), tmp.resolve("nothing"))).isFalse();
        assertThat(tmp.resolve("nothing")).doesNotExist();
    }

    @Test
    void aDiffThatDoesNotFitTheWorktreeChangesNothing() throws Exception {
        String base = fetchAndBase();
        Files.writeString(copy.resolve("README.md"), "the agent's version\n");
        Files.writeString(copy.resolve("added.txt"), "added\n");
        Path diff = tmp.resolve("task.diff");
        transfer.diff(copy, base, transfer.stageTree(copy), diff);
        Files.writeString(worktree.resolve("README.md"), "changed on the server meanwhile\n");

        WorktreeTransfer.Applied applied = transfer.apply(worktree, diff);

        assertThat(applied.ok()).isFalse();
        assertThat(applied.refused()).contains("git apply refused it").contains("README.md");
        assertThat(worktree.resolve("added.txt")).doesNotExist(); // all or nothing
    }

    @Test
    void aDiffWithAPathOutsideTheWorktreeIsRefusedBeforeGitSeesIt() throws Exception {
        Path diff = tmp.resolve("evil.diff");
        Files.writeString(diff, """
                diff --git a/../../etc/evil b/../../etc/evil
                new file mode 100644
                --- /dev/null
                +++ b/../../etc/evil
                @@ -0,0 +1 @@
                +owned
                """);

        WorktreeTransfer.Applied applied = transfer.apply(worktree, diff);

        assertThat(applied.ok()).isFalse();
        assertThat(applied.refused()).startsWith("unsafe paths:").contains("../../etc/evil");
        assertThat(tmp.resolve("etc/evil")).doesNotExist();
    }

    @Test
    void aCopyThatCannotReachTheServersTreeSaysSo() throws Exception {
        WorktreeTransfer.State s = transfer.state(worktree);
        WorktreeTransfer.State wrong = new WorktreeTransfer.State(s.branch(), s.commit(), "0".repeat(40));
        Path bundle = tmp.resolve("full.bundle");
        transfer.bundle(worktree, s, "", bundle);

        assertThatThrownBy(() -> transfer.restore(copy, wrong, bundle, null))
                .hasMessageContaining("not the server's " + "0".repeat(40));
    }

    private String fetchAndBase() throws Exception {
        fetch();
        return transfer.stageTree(copy);
    }
}
