package dev.baton.spec.watch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchService;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class WatchServiceSourceTest {
    @TempDir
    Path dir;
    final List<String> events = new CopyOnWriteArrayList<>();
    final LiveSource.Events recording = new LiveSource.Events() {
        @Override
        public void changed(Path file, boolean exists) {
            events.add((exists ? "changed " : "deleted ") + file.getFileName());
        }

        @Override
        public void overflow() {
            events.add("overflow");
        }

        @Override
        public void failed(Exception cause) {
            events.add("failed");
        }
    };

    static WatchEvent<Path> event(WatchEvent.Kind<?> kind, String name) {
        return new WatchEvent<>() {
            @SuppressWarnings("unchecked")
            @Override
            public Kind<Path> kind() {
                return (Kind<Path>) kind;
            }

            @Override
            public int count() {
                return 1;
            }

            @Override
            public Path context() {
                return name == null ? null : Path.of(name);
            }
        };
    }

    @Test
    void overflowsOfABatchBecomeOneRequestForAFullComparison() throws Exception {
        try (WatchService service = FileSystems.getDefault().newWatchService()) {
            WatchServiceSource source = new WatchServiceSource(dir, service, recording);

            source.handle(List.of(event(OVERFLOW, null), event(ENTRY_CREATE, "wf-1.yaml"), event(OVERFLOW, null),
                    event(ENTRY_MODIFY, ".wf-1.yaml.1234.tmp"), event(ENTRY_DELETE, "wf-2.json"), event(ENTRY_MODIFY, "notes.txt")));

            assertThat(events).containsExactly("changed wf-1.yaml", "deleted wf-2.json", "overflow");
        }
    }

    @Test
    void aDeletedFolderEndsTheSource() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("specs"));
        WatchServiceSource source = WatchServiceSource.open(folder, recording);
        try {
            Files.delete(folder);
            await().until(() -> events.contains("failed"));
        } finally {
            source.close();
        }
    }

    @Test
    void closingEndsTheThreadWithoutAFailure() throws Exception {
        WatchServiceSource source = WatchServiceSource.open(dir, recording);
        source.close();
        Files.writeString(dir.resolve("wf-1.yaml"), "x");
        await().pollDelay(java.time.Duration.ofMillis(200)).until(() -> true);
        assertThat(events).isEmpty();
    }
}
