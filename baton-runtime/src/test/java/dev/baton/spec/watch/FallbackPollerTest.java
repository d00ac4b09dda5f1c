package dev.baton.spec.watch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class FallbackPollerTest {
    static final LiveSource.Opener UNAVAILABLE = (dir, events) -> {
        throw new IOException("disabled in this test");
    };

    @TempDir
    Path dir;
    final List<SpecFileChange> reported = new CopyOnWriteArrayList<>();
    FallbackPoller poller;
    SpecDirectoryWatcher watcher;

    @BeforeEach
    void poller() {
        poller = new FallbackPoller(dir, reported::add);
    }

    @AfterEach
    void stop() {
        poller.close();
        if (watcher != null) watcher.close();
    }

    /** Rewrites in place with content of the same size and puts the old modification time back. */
    static void sneakyRewrite(Path file, String content) throws IOException {
        FileTime before = Files.getLastModifiedTime(file);
        assertThat(content.length()).isEqualTo(Files.size(file));
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, before);
    }

    @Test
    void quickCheckReportsNewChangedAndDeletedSpecFilesOnly() throws Exception {
        Path kept = Files.writeString(dir.resolve("kept.yaml"), "k");
        Path changed = Files.writeString(dir.resolve("changed.yml"), "v1");
        Path deleted = Files.writeString(dir.resolve("deleted.json"), "{}");
        poller.baseline();

        Files.writeString(changed, "v2 longer");
        Files.delete(deleted);
        Path created = Files.writeString(dir.resolve("created.yaml"), "new");
        Files.writeString(dir.resolve(".created.yaml.1.tmp"), "temp");
        Files.writeString(dir.resolve("readme.md"), "not a spec");
        poller.check(false);

        assertThat(reported).containsExactlyInAnyOrder(
                new SpecFileChange(changed, true, "poller"),
                new SpecFileChange(deleted, false, "poller"),
                new SpecFileChange(created, true, "poller"));
        assertThat(reported).extracting(SpecFileChange::file).doesNotContain(kept);

        reported.clear();
        poller.check(false);
        poller.check(true);
        assertThat(reported).isEmpty();
    }

    @Test
    void onlyTheFullCheckSeesARewriteThatKeptSizeAndModificationTime() throws Exception {
        Path file = Files.writeString(dir.resolve("wf-1.yaml"), "status: pending  ");
        poller.baseline();

        sneakyRewrite(file, "status: completed");
        poller.check(false);
        assertThat(reported).isEmpty();

        poller.check(true);
        assertThat(reported).containsExactly(new SpecFileChange(file, true, "poller"));
    }

    @Test
    void whatTheLiveSourceReportedIsNotReportedAgainByTheQuickCheck() throws Exception {
        Path file = Files.writeString(dir.resolve("wf-1.yaml"), "v1");
        poller.baseline();

        Files.writeString(file, "v2, reported by the live source");
        poller.noticed(file);
        poller.check(false);
        assertThat(reported).isEmpty();

        // The live path records no hash, so the full check reports the file once more: a duplicate, never a loss.
        poller.check(true);
        poller.check(true);
        assertThat(reported).containsExactly(new SpecFileChange(file, true, "poller"));
    }

    @Test
    void withoutALiveSourceTheQuickCheckFindsAChange() throws Exception {
        WatchFixtures.Recorder recorder = new WatchFixtures.Recorder();
        WatchSettings settings = WatchFixtures.settings(true, Duration.ofMillis(100), Duration.ofMinutes(10), Duration.ofMillis(20));
        watcher = SpecDirectoryWatcher.start(dir, settings, recorder, UNAVAILABLE, UNAVAILABLE, Duration.ofHours(1));
        assertThat(watcher.mechanism()).isEqualTo("poller");
        assertThat(watcher.health().up()).isTrue();
        assertThat(watcher.health().detail()).startsWith("degraded: no live event source").contains("disabled in this test");

        Path file = dir.resolve("wf-2.yaml");
        Files.writeString(file, "created while no live source works");

        await().until(() -> recorder.last(file) != null);
        assertThat(recorder.last(file).change()).isEqualTo(new SpecFileChange(file, true, "poller"));
    }

    @Test
    void withoutALiveSourceTheFullPollFindsASameSizeSameTimeRewrite() throws Exception {
        Path file = Files.writeString(dir.resolve("wf-3.yaml"), "status: pending  ");
        WatchFixtures.Recorder recorder = new WatchFixtures.Recorder();
        WatchSettings settings = WatchFixtures.settings(false, Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofMillis(20));
        watcher = SpecDirectoryWatcher.start(dir, settings, recorder, UNAVAILABLE, UNAVAILABLE, Duration.ofHours(1));

        sneakyRewrite(file, "status: completed");

        await().until(() -> recorder.last(file) != null && "status: completed".equals(recorder.last(file).content()));
    }

    @Test
    void isDownOnlyWhenThePollerCannotListTheFolderEither() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("specs"));
        watcher = SpecDirectoryWatcher.start(folder, WatchFixtures.settings(false, Duration.ofMillis(100), Duration.ofMinutes(10), Duration.ofMillis(20)),
                new WatchFixtures.Recorder(), UNAVAILABLE, UNAVAILABLE, Duration.ofHours(1));
        assertThat(watcher.health().up()).isTrue();

        Files.delete(folder);
        await().until(() -> !watcher.health().up());
        assertThat(watcher.mechanism()).isEqualTo("none");
        assertThat(watcher.health().detail()).contains("poller failing");

        Files.createDirectories(folder);
        await().until(() -> watcher.health().up());
    }

    @Test
    void rescanReportsAChangeAtOnce() throws Exception {
        Path file = Files.writeString(dir.resolve("wf-4.yaml"), "status: pending  ");
        WatchFixtures.Recorder recorder = new WatchFixtures.Recorder();
        watcher = SpecDirectoryWatcher.start(dir, WatchFixtures.settings(false, Duration.ofMinutes(10), Duration.ofMinutes(10), Duration.ofMillis(20)),
                recorder, UNAVAILABLE, UNAVAILABLE, Duration.ofHours(1));

        sneakyRewrite(file, "status: completed");
        watcher.rescan();

        await().until(() -> recorder.last(file) != null);
        assertThat(recorder.last(file).content()).isEqualTo("status: completed");
    }
}
