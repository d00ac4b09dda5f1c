package dev.baton.git;

import dev.baton.shared.BatonException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GitCliTest {
    @TempDir
    Path tmp;
    Path repo;
    final List<String> ran = new ArrayList<>();
    GitCli git;

    @BeforeEach
    void setUp() throws Exception {
        git = new GitCli("git", Duration.ofSeconds(30), (sub, d, ok) -> ran.add(sub + ":" + ok));
        repo = GitFixtures.initRepository(tmp.resolve("repo"), "README.md", "hello\n");
    }

    @Test
    void createsWorktreeOnNewBranchCommitsAndResets() throws Exception {
        Path wt = tmp.resolve("wt/app");
        git.addWorktree(repo, wt, "baton/wf-1");
        assertThat(wt.resolve("README.md")).hasContent("hello");
        assertThat(git.branchExists(repo, "baton/wf-1")).isTrue();

        Files.writeString(wt.resolve("new.txt"), "x");
        Files.writeString(wt.resolve("README.md"), "changed");
        assertThat(git.changedFiles(wt)).containsExactlyInAnyOrder("new.txt", "README.md");

        String first = git.commitAll(wt, "checkpoint 1");
        assertThat(first).hasSize(40);
        assertThat(git.changedFiles(wt)).isEmpty();

        Files.writeString(wt.resolve("later.txt"), "y");
        git.commitAll(wt, "checkpoint 2");
        Files.writeString(wt.resolve("dirty.txt"), "z");
        git.resetHard(wt, first);
        assertThat(wt.resolve("later.txt")).doesNotExist();
        assertThat(wt.resolve("dirty.txt")).doesNotExist();
        assertThat(git.head(wt)).isEqualTo(first);
    }

    @Test
    void reattachesAnExistingBranchAfterTheWorktreeFolderWasLost() throws Exception {
        Path wt = tmp.resolve("wt/app");
        git.addWorktree(repo, wt, "baton/wf-2");
        Files.writeString(wt.resolve("kept.txt"), "k");
        String sha = git.commitAll(wt, "kept");
        GitFixtures.deleteRecursively(wt);

        git.addWorktree(repo, wt, "baton/wf-2");
        assertThat(git.head(wt)).isEqualTo(sha);
        assertThat(wt.resolve("kept.txt")).exists();
        git.addWorktree(repo, wt, "baton/wf-2"); // idempotent
    }

    @Test
    void removesWorktreeAndBranch() {
        Path wt = tmp.resolve("wt/app");
        git.addWorktree(repo, wt, "baton/wf-3");
        git.removeWorktree(repo, wt);
        git.deleteBranch(repo, "baton/wf-3");
        assertThat(wt).doesNotExist();
        assertThat(git.branchExists(repo, "baton/wf-3")).isFalse();
    }

    @Test
    void failureNamesTheCommandAndItsError() {
        assertThatThrownBy(() -> git.head(tmp))
                .isInstanceOf(BatonException.Transient.class)
                .hasMessageContaining("git rev-parse HEAD failed")
                .hasMessageContaining("not a git repository");
        assertThat(ran).contains("rev-parse:false");
    }

    @Test
    void missingExecutableIsReportedClearly() {
        GitCli broken = new GitCli("/nonexistent/git", Duration.ofSeconds(5), GitCli.CommandListener.NONE);
        assertThatThrownBy(broken::version).isInstanceOf(BatonException.Transient.class).hasMessageContaining("/nonexistent/git");
    }

    @Test
    void stageAllReportsOnlyWhatChangedSinceTheLastCall() throws Exception {
        Path wt = tmp.resolve("wt/app");
        git.addWorktree(repo, wt, "baton/wf-4");
        Files.writeString(wt.resolve("a b.txt"), "1");
        assertThat(git.stageAll(wt)).containsExactly("a b.txt");
        assertThat(git.stageAll(wt)).isEmpty();
        Files.writeString(wt.resolve("a b.txt"), "2");
        Files.delete(wt.resolve("README.md"));
        assertThat(git.stageAll(wt)).containsExactlyInAnyOrder("a b.txt", "README.md");
    }

    @Test
    void manyWorktreesOfOneRepositoryCanBeCreatedAtOnce() throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 12; i++) {
            int n = i;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    git.addWorktree(repo, tmp.resolve("many/wt" + n), "baton/many-" + n);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : threads) t.join();
        assertThat(failures).isEmpty();
        for (int i = 0; i < 12; i++) assertThat(tmp.resolve("many/wt" + i + "/README.md")).exists();
    }

    @Test
    void updateBranchMovesOnlyFromTheExpectedCommit() throws Exception {
        String base = git.head(repo);
        Path wt = tmp.resolve("wt/app");
        git.addWorktree(repo, wt, "baton/wf-5");
        Files.writeString(wt.resolve("x.txt"), "x");
        String next = git.commitAll(wt, "next");
        git.removeWorktree(repo, wt);

        GitCli.Attempt stale = git.updateBranch(repo, "baton/wf-5", base, "0".repeat(39) + "1", "test");
        assertThat(stale.succeeded()).isFalse();
        assertThat(stale.error()).contains("but expected");
        assertThat(git.branchHead(repo, "baton/wf-5")).contains(next);

        assertThat(git.updateBranch(repo, "baton/wf-5", base, next, "test").succeeded()).isTrue();
        assertThat(git.branchHead(repo, "baton/wf-5")).contains(base);
        assertThat(git.branchHead(repo, "baton/none")).isEmpty();
    }

    @Test
    void findsTheWorktreesThatHaveABranchCheckedOut() throws Exception {
        Path wt = tmp.resolve("wt/with space");
        git.addWorktree(repo, wt, "baton/wf-6");
        assertThat(git.worktreesWithBranch(repo, "baton/wf-6")).hasSize(1).allSatisfy(p -> assertThat(Files.isSameFile(p, wt)).isTrue());
        assertThat(git.worktreesWithBranch(repo, "main")).hasSize(1).allSatisfy(p -> assertThat(Files.isSameFile(p, repo)).isTrue());
        assertThat(git.worktreesWithBranch(repo, "baton/none")).isEmpty();
    }

    @Test
    void reportsVersion() {
        assertThat(git.version()).startsWith("git version");
    }
}
