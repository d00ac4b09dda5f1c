package dev.baton.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class WorktreeSnapshotsTest {
    @TempDir
    Path tree;

    @Test
    void seesNewChangedAndDeletedFilesButNotTheGitFileOrNothing() throws Exception {
        Files.writeString(tree.resolve(".git"), "gitdir: /elsewhere");
        Files.createDirectories(tree.resolve("src"));
        Files.writeString(tree.resolve("src/a.txt"), "aaaa");
        WorktreeSnapshots s = new WorktreeSnapshots();
        s.baseline(tree);

        assertThat(s.mayHaveChanged(tree)).as("nothing happened").isFalse();
        Files.writeString(tree.resolve(".git"), "gitdir: /other");
        assertThat(s.mayHaveChanged(tree)).as("the worktree's .git file is not content").isFalse();

        Files.writeString(tree.resolve("src/a.txt"), "bbbb");
        assertThat(s.mayHaveChanged(tree)).as("same size, new content").isTrue();
        assertThat(s.mayHaveChanged(tree)).as("the new state is the baseline").isFalse();

        Files.writeString(tree.resolve("src/b.txt"), "b");
        assertThat(s.mayHaveChanged(tree)).isTrue();
        Files.delete(tree.resolve("src/b.txt"));
        assertThat(s.mayHaveChanged(tree)).isTrue();
        Files.createDirectories(tree.resolve("empty"));
        assertThat(s.mayHaveChanged(tree)).as("a new folder").isTrue();
    }

    @Test
    void aTreeNeverSeenBeforeMayHaveChanged() {
        assertThat(new WorktreeSnapshots().mayHaveChanged(tree)).isTrue();
    }
}
