package dev.baton.spec.watch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ChangeCoalescerTest {
    static final Path A = Path.of("/specs/a.yaml");
    static final Path B = Path.of("/specs/b.yaml");

    final List<SpecFileChange> delivered = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    ChangeCoalescer coalescer;

    @AfterEach
    void tearDown() {
        if (coalescer != null) coalescer.close();
    }

    ChangeCoalescer recording(Duration window) {
        return new ChangeCoalescer(window, change -> {
            threads.add(Thread.currentThread().getName());
            delivered.add(change);
        });
    }

    @Test
    void deliversTheFirstChangeAtOnceAndHoldsTheRestForTheWindow() {
        // An hour-long window: the first change arrives anyway, so it never waits for the window.
        coalescer = recording(Duration.ofHours(1));
        coalescer.offer(new SpecFileChange(A, true, "test"));
        coalescer.offer(new SpecFileChange(A, true, "test"));
        coalescer.offer(new SpecFileChange(A, false, "test"));

        await().until(() -> delivered.size() == 1);
        assertThat(delivered.get(0).exists()).isTrue();
        await().pollDelay(Duration.ofMillis(300)).until(() -> true);
        assertThat(delivered).hasSize(1);
    }

    @Test
    void foldsTheRestOfABurstIntoOneTrailingDeliveryWithTheLatestState() {
        coalescer = recording(Duration.ofMillis(100));
        coalescer.offer(new SpecFileChange(A, true, "test"));
        coalescer.offer(new SpecFileChange(A, true, "test"));
        coalescer.offer(new SpecFileChange(A, false, "test"));

        await().until(() -> delivered.size() == 2);
        assertThat(delivered.get(1)).isEqualTo(new SpecFileChange(A, false, "test"));
        await().pollDelay(Duration.ofMillis(300)).until(() -> true);
        assertThat(delivered).hasSize(2);
    }

    @Test
    void oneFilesBurstNeverDelaysAnotherFile() {
        coalescer = recording(Duration.ofHours(1));
        coalescer.offer(new SpecFileChange(A, true, "test"));
        coalescer.offer(new SpecFileChange(A, true, "test"));
        coalescer.offer(new SpecFileChange(B, true, "test"));

        await().until(() -> delivered.size() == 2);
        assertThat(delivered).extracting(SpecFileChange::file).containsExactly(A, B);
    }

    @Test
    void aQuietWindowEndsWithoutATrailingDelivery() {
        coalescer = recording(Duration.ofMillis(50));
        coalescer.offer(new SpecFileChange(A, true, "test"));
        await().until(() -> delivered.size() == 1);
        // Once the window has passed, the next change is a fresh first change again.
        await().pollDelay(Duration.ofMillis(200)).until(() -> true);
        coalescer.offer(new SpecFileChange(A, false, "test"));
        await().until(() -> delivered.size() == 2);
        assertThat(delivered).extracting(SpecFileChange::exists).containsExactly(true, false);
    }

    @Test
    void aZeroWindowDeliversEveryChange() {
        coalescer = recording(Duration.ZERO);
        for (int i = 0; i < 20; i++) coalescer.offer(new SpecFileChange(A, i % 2 == 0, "test"));
        await().until(() -> delivered.size() == 20);
    }

    @Test
    void deliversOnOneThreadInOrder() {
        coalescer = recording(Duration.ofMillis(20));
        List<Path> files = List.of(Path.of("/s/1.yaml"), Path.of("/s/2.yaml"), Path.of("/s/3.yaml"), Path.of("/s/4.yaml"));
        files.forEach(f -> coalescer.offer(new SpecFileChange(f, true, "test")));
        await().until(() -> delivered.size() == 4);
        assertThat(delivered).extracting(SpecFileChange::file).containsExactlyElementsOf(files);
        assertThat(threads).containsOnly("spec-watch-delivery");
    }

    @Test
    void aFailingListenerDoesNotStopLaterDeliveries() {
        coalescer = new ChangeCoalescer(Duration.ofMillis(20), change -> {
            if (change.file().equals(A)) throw new IllegalStateException("listener bug");
            delivered.add(change);
        });
        coalescer.offer(new SpecFileChange(A, true, "test"));
        coalescer.offer(new SpecFileChange(B, true, "test"));
        await().until(() -> delivered.size() == 1);
        assertThat(delivered.get(0).file()).isEqualTo(B);
    }

    @Test
    void nothingIsDeliveredAfterClose() {
        coalescer = recording(Duration.ofSeconds(1));
        coalescer.offer(new SpecFileChange(A, true, "test"));
        await().until(() -> delivered.size() == 1);
        coalescer.offer(new SpecFileChange(A, true, "test")); // would be the trailing delivery
        coalescer.close();
        coalescer.offer(new SpecFileChange(B, true, "test"));
        await().pollDelay(Duration.ofMillis(1500)).until(() -> true);
        assertThat(delivered).hasSize(1);
    }
}
