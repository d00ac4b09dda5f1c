package dev.baton.sdk;

import dev.baton.shared.BatonException;
import dev.baton.shared.Ids;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The spec folder as this agent sees it. A spec's id is its file name without the extension (seed 000); a ping's
 * {@code path} is the sender's view of the file, which may be another mount, so only the id is trusted.
 */
final class SpecFolder {
    private static final List<String> EXTENSIONS = List.of(".yaml", ".yml", ".json");

    private final Path root;

    SpecFolder(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** The file of {@code specId}, if there is one. @throws BatonException.Invalid for an id that could leave the folder */
    Optional<Path> find(String specId) {
        if (!Ids.isSafe(specId)) {
            throw new BatonException.Invalid("sdk.spec-id-invalid", "'" + specId + "' is not a spec id (letters, digits, '.', '_', '-')");
        }
        for (String ext : EXTENSIONS) {
            Path file = root.resolve(specId + ext);
            if (Files.isRegularFile(file)) return Optional.of(file);
        }
        return Optional.empty();
    }

    Path require(String specId) {
        return find(specId).orElseThrow(() -> new BatonException.NotFound("spec.not-found", "no spec '" + specId + "' in " + root));
    }

    /**
     * Where a ping's spec lives here: its {@code path} when that is a file of this folder, else the file named by
     * its id (empty when neither exists).
     */
    Optional<Path> locate(String specId, String pingPath) {
        if (pingPath != null) {
            try {
                Path p = Path.of(pingPath).toAbsolutePath().normalize();
                if (root.equals(p.getParent()) && isSpecFile(p.getFileName().toString()) && Files.isRegularFile(p)) return Optional.of(p);
            } catch (InvalidPathException ignored) {
                // a path from another machine; the id decides
            }
        }
        return specId == null || !Ids.isSafe(specId) ? Optional.empty() : find(specId);
    }

    /** Every spec file of the folder, sorted by name. */
    List<Path> list() {
        if (!Files.isDirectory(root)) return List.of();
        try (Stream<Path> files = Files.list(root)) {
            return files.filter(f -> isSpecFile(f.getFileName().toString()) && Files.isRegularFile(f)).sorted().toList();
        } catch (IOException e) {
            throw new BatonException.Transient("sdk.spec-folder-unreadable", "cannot list " + root + ": " + e, e);
        }
    }

    static String specIdOf(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** The watcher's rule: dot names are temp files of atomic writes. */
    static boolean isSpecFile(String name) {
        return !name.startsWith(".") && EXTENSIONS.stream().anyMatch(name::endsWith);
    }
}
