package dev.baton.spec.watch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Which source is live when one breaks, and what health says about it. */
class SpecDirectoryWatcherFallbackTest {
    @TempDir
    Path dir;
    final WatchFixtures.Recorder recorder = new WatchFixtures.Recorder();
    SpecDirectoryWatcher watcher;

    @AfterEach
    void stop() {
        if (watcher != null) watcher.close();
    }

    /** A watch-service stand-in that the test drives by hand through the events it was given. */
    static final class HandDriven implements LiveSource.Opener {
        final AtomicReference<LiveSource.Events> events = new AtomicReference<>();
        final AtomicInteger opened = new AtomicInteger();

        @Override
        public LiveSource open(Path folder, LiveSource.Events given) {
            events.set(given);
            opened.incrementAndGet();
            return new LiveSource() {
                @Override
                public String mechanism() {
                    return WatchServiceSource.MECHANISM;
                }

                @Override
                public void close() {
                }
            };
        }
    }

    @Test
    void aMissingWatchmanBinaryMeansTheWatchServiceAndADegradedButUpHealth() throws Exception {
        WatchSettings settings = new WatchSettings(true, Duration.ofMinutes(10), Duration.ofMinutes(10), Duration.ofMillis(20),
                dir.resolve("no-such-watchman").toString());
        watcher = SpecDirectoryWatcher.start(dir.resolve("specs"), settings, recorder);

        assertThat(watcher.mechanism()).isEqualTo("watch-service");
        WatcherHealth health = watcher.health();
        assertThat(health.up()).isTrue();
        assertThat(health.mechanism()).isEqualTo("watch-service");
        assertThat(health.detail()).startsWith("degraded: watchman unavailable").contains("retrying watchman");

        Path file = dir.resolve("specs/wf-1.yaml");
        Files.writeString(file, "x");
        await().until(() -> recorder.last(file) != null);
        assertThat(recorder.last(file).change().source()).isEqualTo("watch-service");
    }

    @Test
    void whenWatchmanDropsTheWatcherFallsBackAndLaterReturnsToWatchman() throws Exception {
        assumeTrue(WatchFixtures.watchmanInstalled(), "watchman is not installed");
        Path folder = dir.resolve("specs");
        watcher = SpecDirectoryWatcher.start(folder, WatchFixtures.liveOnly(true, Duration.ofMillis(20)), recorder);
        assertThat(watcher.mechanism()).isEqualTo("watchman");

        // Someone removes the watch: watchman cancels the subscription, as when its daemon goes away.
        assertThat(WatchFixtures.run("watchman", "watch-del", folder.toRealPath().toString())).isNotNull();

        await().until(() -> watcher.mechanism().equals("watch-service"));
        assertThat(watcher.health().up()).isTrue();
        assertThat(watcher.health().detail()).contains("watchman failed").contains("watch-service live");
        Path first = folder.resolve("wf-1.yaml");
        Files.writeString(first, "during the outage");
        await().until(() -> recorder.last(first) != null);
        assertThat(recorder.last(first).change().source()).isEqualTo("watch-service");

        // The daemon finishes dropping the old root before the retry watches the folder again; on a busy
        // machine a retry right after watch-del can see its fresh root dropped too (the real retry waits 30 s).
        String real = folder.toRealPath().toString();
        await().until(() -> { String list = WatchFixtures.run("watchman", "watch-list"); return list != null && !list.contains("\"" + real + "\""); });
        watcher.retryPreferred(); // what the 30 s retry does

        await().until(() -> watcher.mechanism().equals("watchman"));
        Path second = folder.resolve("wf-2.yaml");
        Files.writeString(second, "after the outage");
        await().until(() -> recorder.last(second) != null);
        assertThat(recorder.last(second).change().source()).isEqualTo("watchman");
    }

    @Test
    void anOverflowCountsAndAFullComparisonReportsWhatTheEventsMissed() throws Exception {
        HandDriven source = new HandDriven();
        watcher = SpecDirectoryWatcher.start(dir, WatchFixtures.liveOnly(false, Duration.ofMillis(20)), recorder,
                FallbackPollerTest.UNAVAILABLE, source, Duration.ofHours(1));
        Path file = dir.resolve("wf-1.yaml");
        Files.writeString(file, "written while events were lost");

        source.events.get().overflow();

        await().until(() -> recorder.last(file) != null);
        assertThat(recorder.last(file).change()).isEqualTo(new SpecFileChange(file, true, "poller"));
        assertThat(watcher.overflows()).isEqualTo(1);
    }

    @Test
    void aFailedLastSourceLeavesThePollerAndTheRetryBringsASourceBack() throws Exception {
        HandDriven source = new HandDriven();
        watcher = SpecDirectoryWatcher.start(dir, WatchFixtures.liveOnly(false, Duration.ofMillis(20)), recorder,
                FallbackPollerTest.UNAVAILABLE, source, Duration.ofMillis(200));
        assertThat(watcher.mechanism()).isEqualTo("watch-service");

        source.events.get().failed(new IOException("inotify gave up"));

        assertThat(watcher.mechanism()).isEqualTo("poller");
        assertThat(watcher.health().up()).isTrue();
        assertThat(watcher.health().detail()).contains("inotify gave up");
        await().until(() -> watcher.mechanism().equals("watch-service"));
        assertThat(source.opened).hasValue(2);
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheWatcher() throws Exception {
        watcher = SpecDirectoryWatcher.start(dir, WatchFixtures.liveOnly(false, Duration.ofMillis(20)), change -> {
            if (change.file().getFileName().toString().equals("bad.yaml")) throw new IllegalStateException("listener bug");
            recorder.changed(change);
        });
        Files.writeString(dir.resolve("bad.yaml"), "x");
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, "y");

        await().until(() -> recorder.last(good) != null);
        assertThat(watcher.changesReported()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void closeIsIdempotentAndStopsReports() throws Exception {
        watcher = SpecDirectoryWatcher.start(dir, WatchFixtures.liveOnly(false, Duration.ofMillis(20)), recorder);
        watcher.close();
        watcher.close();
        Files.writeString(dir.resolve("wf-1.yaml"), "x");
        await().pollDelay(Duration.ofMillis(200)).until(() -> true);
        assertThat(recorder.seen).isEmpty();
    }
}
