package dev.baton.cli.bench;

import dev.baton.spec.AtomicFiles;
import dev.baton.spec.store.SpecPatch;
import dev.baton.spec.store.TaskField;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The spec folder of one ping bench phase: {@code files} small specs ({@code spec-0000.yaml}, …) at version
 * {@link PingLatencyLog#INITIAL_VERSION}, and seed 000 §4.3's {@code .watchmanconfig} (settle 20 ms) in its
 * root, so a Watchman watch of it settles as the seed's does. Each write changes one field, the
 * {@code assignedTo} of the spec's first task, to the name of the write.
 */
final class PingSpecFolder {
    /** Seed 000 §4.3, as the seed writes it. */
    static final String WATCHMAN_CONFIG = """
            {
              "ignore_dirs": [".git", "node_modules", ".next", "dist", "build"],
              "settle": 20
            }
            """;

    private final Path dir;
    private final Path[] paths;
    private final Map<String, Integer> indexBySpecId;

    private PingSpecFolder(Path dir, int files) {
        this.dir = dir;
        this.paths = new Path[files];
        this.indexBySpecId = new HashMap<>(files * 2);
        for (int f = 0; f < files; f++) {
            String specId = "spec-%04d".formatted(f);
            paths[f] = dir.resolve(specId + ".yaml");
            indexBySpecId.put(specId, f);
        }
    }

    /** Creates the folder and its files (plain writes: no watcher is running yet). */
    static PingSpecFolder create(Path dir, int files) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(".watchmanconfig"), WATCHMAN_CONFIG);
        PingSpecFolder folder = new PingSpecFolder(dir, files);
        for (int f = 0; f < files; f++) Files.writeString(folder.paths[f], content(folder.specId(f), PingLatencyLog.INITIAL_VERSION, null));
        return folder;
    }

    Path dir() {
        return dir;
    }

    Path file(int index) {
        return paths[index];
    }

    String specId(int index) {
        String name = paths[index].getFileName().toString();
        return name.substring(0, name.length() - ".yaml".length());
    }

    /** The file index of a spec id, or -1 for a spec this folder does not have. */
    int indexOf(String specId) {
        Integer i = specId == null ? null : indexBySpecId.get(specId);
        return i == null ? -1 : i;
    }

    /** A raw write, as an outside agent makes it: the whole file, version raised by the writer itself. */
    void writeRaw(int file, long version) {
        AtomicFiles.write(paths[file], content(specId(file), version, assignee(version)));
    }

    /** The change that takes a file from {@code version - 1} to {@code version}, for {@link dev.baton.spec.store.VersionedSpecFiles#update}. */
    static SpecPatch patchTo(long version) {
        return SpecPatch.builder().task("tk-1", TaskField.ASSIGNED_TO, assignee(version - 1), assignee(version)).build();
    }

    private static String assignee(long version) {
        return version <= PingLatencyLog.INITIAL_VERSION ? null : "worker-" + version;
    }

    /** About 500 bytes, the shape of a small seed 000 spec. */
    static String content(String specId, long version, String assignee) {
        return """
                id: %s
                version: %d
                status: running
                name: ping bench spec
                tasks:
                  - id: tk-1
                    work: build
                    status: in-progress
                %s    query: make the build green
                  - id: tk-2
                    work: build
                    status: pending
                    query: write the release notes
                  - id: tk-3
                    work: review
                    status: pending
                    query: review the change of tk-1 and tk-2
                submissions: []
                """.formatted(specId, version, assignee == null ? "" : "    assignedTo: " + assignee + "\n");
    }
}
