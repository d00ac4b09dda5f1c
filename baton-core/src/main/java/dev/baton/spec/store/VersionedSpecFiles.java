package dev.baton.spec.store;

import dev.baton.shared.BatonException;
import dev.baton.spec.AtomicFiles;
import dev.baton.spec.SpecContext;
import dev.baton.spec.SpecFingerprint;
import dev.baton.spec.SpecYaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Spec files with compare-and-swap: every write happens under the file's lock, merges with what is on disk
 * now, raises {@code version} by one and replaces the file atomically. No writer that goes through here can
 * lose another's update. Used by the server and by the agent SDK alike, so both follow the same rules.
 */
public final class VersionedSpecFiles {
    private final Duration lockTimeout;
    private final Consumer<SpecSnapshot> afterWrite;

    /**
     * @param afterWrite called with each snapshot this instance wrote, after the rename and the lock release
     *                   (where the ping is sent: a reader woken by it sees the new content)
     */
    public VersionedSpecFiles(Duration lockTimeout, Consumer<SpecSnapshot> afterWrite) {
        this.lockTimeout = lockTimeout;
        this.afterWrite = afterWrite;
    }

    public VersionedSpecFiles() {
        this(Duration.ofSeconds(10), s -> { });
    }

    public Optional<SpecSnapshot> find(Path file) {
        return raw(file).map(r -> new SpecSnapshot(file, r.content(), versionOf(file, r.content()), r.sha256()));
    }

    /** The file's text and hash, not parsed: a writer parses it once, into the tree it edits. */
    private record Raw(String content, String sha256) {
    }

    private static Optional<Raw> raw(Path file) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > SpecContext.DEFAULT_MAX_BYTES) {
                throw new BatonException.Invalid("spec.too-large", file + " is " + size + " bytes; a spec may have at most " + SpecContext.DEFAULT_MAX_BYTES);
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new BatonException.Transient("spec.io", "cannot read " + file + ": " + e.getMessage(), e);
        }
        return Optional.of(new Raw(new String(bytes, StandardCharsets.UTF_8), SpecFingerprint.sha256(bytes)));
    }

    public SpecSnapshot read(Path file) {
        return find(file).orElseThrow(() -> new BatonException.NotFound("spec.not-found", "no spec file " + file));
    }

    /** Writes a new spec; @throws BatonException.Conflict when the file exists already. */
    public SpecSnapshot create(Path file, String content) {
        SpecSnapshot written;
        try (var ignored = SpecFileLock.acquire(file, lockTimeout)) {
            if (Files.exists(file)) throw new BatonException.Conflict("spec.exists", file + " exists already");
            written = write(file, SpecYaml.readTree(file.toString(), content), content);
        }
        afterWrite.accept(written);
        return written;
    }

    /**
     * Applies an agent's changes, stated against the version it read. A concurrent change to other tasks or
     * fields is merged; a clash on the same field is refused with both values.
     *
     * @throws BatonException.Conflict when a field was changed by someone else (nothing is written)
     */
    public SpecSnapshot update(Path file, long baseVersion, SpecPatch patch) {
        return edit(file, root -> {
            long current = versionOf(root);
            if (baseVersion > current) {
                throw new BatonException.Conflict("spec.version-ahead", file.getFileName() + " is at version " + current
                        + ", but the update says it was based on version " + baseVersion + " (another file, or a rolled-back one?)");
            }
            return new SpecMerge(file.getFileName().toString(), SpecMerge.Authority.AGENT).apply(root, patch);
        });
    }

    /** Baton's own changes (it may move the statuses of the tasks it runs back, e.g. on pause). */
    public SpecSnapshot updateAsServer(Path file, SpecPatch patch) {
        return edit(file, root -> new SpecMerge(file.getFileName().toString(), SpecMerge.Authority.SERVER).apply(root, patch));
    }

    /** An edit of the whole tree under the lock; {@code edit} answers whether it changed anything. */
    public SpecSnapshot edit(Path file, Predicate<ObjectNode> edit) {
        SpecSnapshot written;
        try (var ignored = SpecFileLock.acquire(file, lockTimeout)) {
            Raw raw = raw(file).orElseThrow(() -> new BatonException.NotFound("spec.not-found", "no spec file " + file));
            ObjectNode root = SpecYaml.readTree(file.toString(), raw.content());
            SpecSnapshot current = new SpecSnapshot(file, raw.content(), versionOf(root), raw.sha256());
            if (!edit.test(root)) return current;
            root.put("version", current.version() + 1);
            written = write(file, root);
        }
        afterWrite.accept(written);
        return written;
    }

    /**
     * Gives a file that an outside agent rewrote without raising {@code version} the next version, if it still
     * holds exactly what was seen ({@code seenSha256}).
     *
     * @return the new snapshot, or empty when the file changed again meanwhile (its own change event follows)
     */
    public Optional<SpecSnapshot> assignNextVersion(Path file, String seenSha256, long lastKnownVersion) {
        SpecSnapshot written;
        try (var ignored = SpecFileLock.acquire(file, lockTimeout)) {
            Optional<Raw> current = raw(file);
            if (current.isEmpty() || !current.get().sha256().equals(seenSha256)) return Optional.empty();
            ObjectNode root = SpecYaml.readTree(file.toString(), current.get().content());
            root.put("version", Math.max(versionOf(root), lastKnownVersion) + 1);
            written = write(file, root);
        }
        afterWrite.accept(written);
        return Optional.of(written);
    }

    public void delete(Path file) {
        try (var ignored = SpecFileLock.acquire(file, lockTimeout)) {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new BatonException.Transient("spec.io", "cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    private static SpecSnapshot write(Path file, ObjectNode root) {
        return write(file, root, SpecYaml.write(root));
    }

    private static SpecSnapshot write(Path file, ObjectNode root, String content) {
        AtomicFiles.write(file, content);
        return new SpecSnapshot(file, content, versionOf(root), SpecFingerprint.sha256(content.getBytes(StandardCharsets.UTF_8)));
    }

    /** The {@code version} key as a number; 0 when absent or not a whole number (then the content still counts). */
    static long versionOf(Path file, String content) {
        try {
            return versionOf(SpecYaml.readTree(file.toString(), content));
        } catch (BatonException.Invalid e) {
            return 0;
        }
    }

    static long versionOf(ObjectNode root) {
        JsonNode v = root.get("version");
        try {
            if (v == null) return 0;
            if (v.isIntegralNumber()) return Math.max(0, v.longValue());
            if (v.isString()) return Math.max(0, Long.parseLong(v.asString().strip()));
            return 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
