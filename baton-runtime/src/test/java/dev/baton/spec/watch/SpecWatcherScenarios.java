package dev.baton.spec.watch;

import dev.baton.spec.AtomicFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What every live source must report, run once per source by the subclasses. The poller is slowed to ten
 * minutes, so every report seen here came from the live source.
 */
abstract class SpecWatcherScenarios {
    @TempDir
    Path tmp;
    Path dir;
    final WatchFixtures.Recorder recorder = new WatchFixtures.Recorder();
    SpecDirectoryWatcher watcher;

    abstract boolean useWatchman();

    abstract String mechanism();

    @BeforeEach
    void folder() {
        dir = tmp.resolve("specs/active");
    }

    @AfterEach
    void stop() {
        if (watcher != null) watcher.close();
    }

    SpecDirectoryWatcher start(Duration window) {
        watcher = SpecDirectoryWatcher.start(dir, WatchFixtures.liveOnly(useWatchman(), window), recorder);
        assertThat(watcher.mechanism()).isEqualTo(mechanism());
        return watcher;
    }

    Path existing(String name, String content) throws Exception {
        Files.createDirectories(dir);
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    void awaitContent(Path file, String content) {
        await().until(() -> {
            WatchFixtures.Seen last = recorder.last(file);
            return last != null && last.change().exists() && content.equals(last.content());
        });
    }

    @Test
    void createsTheFolderAndReportsANewFile() {
        start(Duration.ofMillis(20));
        assertThat(dir).isDirectory();
        Path file = dir.resolve("wf-1.yaml");

        AtomicFiles.write(file, "id: wf-1\n");

        awaitContent(file, "id: wf-1\n");
        assertThat(recorder.of(file)).allSatisfy(seen -> assertThat(seen.change().source()).isEqualTo(mechanism()));
        assertThat(watcher.changesReported()).isEqualTo(recorder.seen.size());
    }

    @Test
    void reportsAnAtomicReplace() throws Exception {
        Path file = existing("wf-2.yaml", "version: 1\n");
        start(Duration.ofMillis(20));

        AtomicFiles.write(file, "version: 2\n");

        awaitContent(file, "version: 2\n");
    }

    @Test
    void reportsAnInPlaceRewrite() throws Exception {
        Path file = existing("wf-3.yml", "version: 1\n");
        start(Duration.ofMillis(20));

        Files.writeString(file, "version: 2 # rewritten in place\n"); // truncate + write, like Node's fs.writeFile

        awaitContent(file, "version: 2 # rewritten in place\n");
    }

    @Test
    void reportsADelete() throws Exception {
        Path file = existing("wf-4.json", "{}");
        start(Duration.ofMillis(20));

        Files.delete(file);

        await().until(() -> recorder.last(file) != null && !recorder.last(file).change().exists());
    }

    @Test
    void neverReportsTempFilesOtherNamesOrSubFolders() throws Exception {
        start(Duration.ofMillis(20));
        Files.writeString(dir.resolve(".wf-5.yaml.0b7c.tmp"), "temp");
        Files.writeString(dir.resolve("notes.txt"), "notes");
        Files.writeString(dir.resolve("wf-5.yaml.bak"), "backup");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/wf-6.yaml"), "nested");
        Files.createDirectories(dir.resolve("folder.yaml"));
        AtomicFiles.write(dir.resolve("sub/wf-7.yaml"), "nested, atomically");
        Path sentinel = dir.resolve("wf-sentinel.yaml");

        AtomicFiles.write(sentinel, "last\n");

        awaitContent(sentinel, "last\n");
        await().pollDelay(Duration.ofMillis(200)).until(() -> true); // anything wrongly reported has arrived by now
        assertThat(recorder.files()).containsExactly(sentinel);
    }

    @Test
    void foldsABurstToOneFileAndEndsOnTheFinalState() throws Exception {
        start(Duration.ofMillis(100));
        Path file = dir.resolve("wf-8.yaml");

        AtomicFiles.write(file, "n: 0\n");
        await().until(() -> recorder.last(file) != null);
        for (int i = 1; i < 100; i++) AtomicFiles.write(file, "n: " + i + "\n");

        awaitContent(file, "n: 99\n");
        assertThat(recorder.of(file).get(0).change().source()).isEqualTo(mechanism());
        assertThat(recorder.of(file).size()).isBetween(2, 30);
    }

    @Test
    void reportsBothFilesOfABurst() throws Exception {
        start(Duration.ofMillis(20));
        Path a = dir.resolve("wf-a.yaml");
        Path b = dir.resolve("wf-b.yaml");

        for (int i = 0; i < 20; i++) {
            AtomicFiles.write(a, "a: " + i + "\n");
            Files.writeString(b, "b: " + i + "\n");
        }

        awaitContent(a, "a: 19\n");
        awaitContent(b, "b: 19\n");
    }
}
