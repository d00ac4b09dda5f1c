package dev.baton.sdk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Spec files for the tests: seed 000's shape, one work, tasks t0..tN-1 (plus any extra ids), all pending. */
final class TestSpecs {

    private TestSpecs() {
    }

    static Path write(Path specRoot, String specId, int tasks, String... extraTaskIds) {
        StringBuilder yaml = new StringBuilder()
                .append("id: ").append(specId).append('\n')
                .append("version: 1\n")
                .append("name: Test spec ").append(specId).append('\n')
                .append("works:\n  - id: wk-1\n    name: Only work\n    agent: scripted\n")
                .append("tasks:\n");
        for (int i = 0; i < tasks; i++) task(yaml, "t" + i);
        for (String id : extraTaskIds) task(yaml, id);
        try {
            Files.createDirectories(specRoot);
            Path file = specRoot.resolve(specId + ".yaml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void task(StringBuilder yaml, String id) {
        yaml.append("  - id: ").append(id).append('\n')
                .append("    work: wk-1\n")
                .append("    query: do ").append(id).append('\n')
                .append("    status: pending\n");
    }

    static List<String> ids(String prefix, int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> "%s-%02d".formatted(prefix, i)).toList();
    }

    /** /dev/shm when there is one: thousands of fsyncs cost nothing there. */
    static Path fastTempDir(String prefix) {
        try {
            Path shm = Path.of("/dev/shm");
            return Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, prefix) : Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) return;
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
