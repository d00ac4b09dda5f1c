package dev.baton.spec.watch;

import dev.baton.spec.AtomicFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The scenarios on watchman; CI installs it (.ci/run), so the assumption only spares a machine without it. */
class SpecDirectoryWatcherWatchmanTest extends SpecWatcherScenarios {

    @BeforeAll
    static void watchmanIsInstalled() {
        assumeTrue(WatchFixtures.watchmanInstalled(), "watchman is not installed");
    }

    @Override
    boolean useWatchman() {
        return true;
    }

    @Override
    String mechanism() {
        return "watchman";
    }

    @Test
    void setsALowSettleAndRemovesItsWatchOnClose() throws Exception {
        start(Duration.ofMillis(20));
        assertThat(Files.readString(dir.resolve(".watchmanconfig"))).containsPattern("\"settle\"\\s*:\\s*1\\b");
        String real = dir.toRealPath().toString();
        assertThat(WatchFixtures.run("watchman", "watch-list")).contains("\"" + real + "\"");
        assertThat(watcher.health().up()).isTrue();
        assertThat(watcher.health().detail()).startsWith("watchman live");

        watcher.close();

        assertThat(WatchFixtures.run("watchman", "watch-list")).doesNotContain("\"" + real + "\"");
    }

    @Test
    void sharesAnAlreadyWatchedAncestorWithALowSettleThroughARelativeRoot() throws Exception {
        Path ancestor = tmp.resolve("specs");
        Files.createDirectories(ancestor);
        Files.writeString(ancestor.resolve(".watchmanconfig"), "{\"settle\": 1}");
        String ancestorRoot = ancestor.toRealPath().toString();
        assertThat(WatchFixtures.run("watchman", "watch-project", ancestorRoot)).isNotNull();
        try {
            start(Duration.ofMillis(20));
            Path file = dir.resolve("wf-1.yaml");
            Files.writeString(ancestor.resolve("beside.yaml"), "outside the spec folder");

            AtomicFiles.write(file, "v: 1\n");

            awaitContent(file, "v: 1\n");
            assertThat(recorder.files()).containsExactly(file);
            watcher.close();
            // Not the watcher's root: it stays for whoever watched it.
            assertThat(WatchFixtures.run("watchman", "watch-list")).contains("\"" + ancestorRoot + "\"");
        } finally {
            WatchFixtures.run("watchman", "watch-del", ancestorRoot);
        }
    }

    @Test
    void watchesTheFolderOnItsOwnWhenAWatchedAncestorSettlesSlowly() throws Exception {
        Path ancestor = tmp.resolve("specs");
        Files.createDirectories(ancestor);
        Files.writeString(ancestor.resolve(".watchmanconfig"), "{}"); // watchman's default settle, 20 ms
        String ancestorRoot = ancestor.toRealPath().toString();
        assertThat(WatchFixtures.run("watchman", "watch-project", ancestorRoot)).isNotNull();
        try {
            start(Duration.ofMillis(20));
            assertThat(WatchFixtures.run("watchman", "watch-list")).contains("\"" + dir.toRealPath() + "\"");
            Path file = dir.resolve("wf-1.yaml");

            AtomicFiles.write(file, "v: 1\n");

            awaitContent(file, "v: 1\n");
        } finally {
            WatchFixtures.run("watchman", "watch-del", ancestorRoot);
        }
    }
}
