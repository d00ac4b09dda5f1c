package dev.baton.logs.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import static dev.baton.logs.store.LogFixtures.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Live following: history then live with no gap and no duplicate, even for a subscriber too slow to keep up. */
class LogFollowTest {
    @TempDir
    Path dir;

    @Test
    void aLateSubscriberGetsHistoryThenLiveWithoutGapOrDuplicate() throws Exception {
        try (LogStore store = LogFixtures.open(dir, LogStoreSettings.defaults().withSegmentBytes(32 * 1024))) {
            store.append(batch("w1", "s1", "wf-a", 1, 3000)).get();
            List<LogLine> seen = new CopyOnWriteArrayList<>();
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 3; i < 20; i++) store.append(batch("w1", "s1", "wf-a", i * 1000L + 1, (i + 1) * 1000L));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try (LiveSubscription sub = store.follow("wf-a", LogQuery.all().withAfter(1000), seen::add)) {
                writer.join();
                await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() >= 19_000);
                assertThat(store.subscriberCount()).isEqualTo(1);
                assertThat(sub.isClosed()).isFalse();
            }
            assertThat(seen).extracting(LogLine::offset).containsExactlyElementsOf(Stream.iterate(1001L, x -> x + 1).limit(19_000).toList());
            assertThat(store.subscriberCount()).isZero();
        }
    }

    @Test
    void aSlowSubscriberDoesNotHoldTheWriterAndCatchesUpFromStorage() throws Exception {
        try (LogStore store = LogFixtures.open(dir, LogStoreSettings.defaults().withSubscriberQueue(50))) {
            CountDownLatch release = new CountDownLatch(1);
            List<LogLine> seen = new CopyOnWriteArrayList<>();
            LiveSubscription sub = store.follow("wf-a", new LogQuery(0, null, null, 1000, LogLevel.ERROR, null, null, null), line -> {
                release.await(); // stuck, like an SSE client that stopped reading
                seen.add(line);
            });
            for (int i = 0; i < 10; i++) store.append(batch("w1", "s1", "wf-a", i * 1000L + 1, (i + 1) * 1000L)).get();
            assertThat(store.endOffset("wf-a")).as("the writer went on while the subscriber was stuck").isEqualTo(10_000);
            assertThat(sub.droppedToStorage()).isPositive();
            release.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() >= 1000);
            sub.close();
            assertThat(seen).extracting(LogLine::offset).containsExactlyElementsOf(Stream.iterate(10L, x -> x + 10).limit(1000).toList());
        }
    }
}
