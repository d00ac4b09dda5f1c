package dev.baton.logs;

import dev.baton.logs.store.LogStore;
import dev.baton.logs.store.LogStoreSettings;
import dev.baton.server.LogsConfiguration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

/** The /ready check {@code logStore}: UP on a writable folder, DOWN with the reason when it is not. */
class LogStoreReadinessTest {
    @TempDir
    Path dir;

    @Test
    void isDownWhenTheLogFolderCannotTakeFiles() throws Exception {
        Path logs = dir.resolve("logs");
        try (LogStore store = LogStore.open(logs, LogStoreSettings.defaults(), Clock.systemUTC(), new SimpleMeterRegistry())) {
            var probe = new LogsConfiguration().logStoreReadiness(store);
            assertThat(probe.name()).isEqualTo("logStore");
            assertThat(probe.check().get()).containsEntry("status", "UP");

            // the folder disappears and a plain file takes its place (root may write anywhere, so permissions would not do)
            Files.deleteIfExists(logs.resolve("checkpoint"));
            Files.delete(logs);
            Files.writeString(logs, "not a folder");
            var down = probe.check().get();
            assertThat(down).containsEntry("status", "DOWN");
            assertThat((String) down.get("error")).contains("not writable");
        }
    }
}
