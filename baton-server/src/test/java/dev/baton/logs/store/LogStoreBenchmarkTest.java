package dev.baton.logs.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.baton.logs.store.LogFixtures.readAll;
import static org.assertj.core.api.Assertions.assertThat;

/** Keeps the benchmark runnable and checks what it stored; the figure itself is printed, never asserted. */
class LogStoreBenchmarkTest {
    @TempDir
    Path dir;

    @Test
    void eightStreamsAreStoredCompletely() throws Exception {
        LogStoreBenchmark.Result r = LogStoreBenchmark.run(dir, 20_000);
        System.out.printf("LogStoreBenchmark (small): %,.0f lines/s, %.1f MiB/s%n", r.linesPerSecond(), r.messageMiBPerSecond());
        try (LogStore store = LogFixtures.open(dir, LogStoreSettings.defaults())) {
            long total = 0;
            for (int w = 0; w < 4; w++) total += readAll(store, "wf-bench-" + w, LogQuery.all().withLimit(10_000)).size();
            assertThat(total).isEqualTo(8 * 20_000);
            assertThat(store.highWaterMark("worker-3", "stream-worker-3")).isEqualTo(20_000);
        }
    }
}
