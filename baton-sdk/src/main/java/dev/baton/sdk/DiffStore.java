package dev.baton.sdk;

import dev.baton.git.DiffApplier;
import dev.baton.shared.BatonException;
import dev.baton.shared.Ids;
import dev.baton.spec.SpecFingerprint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.UUID;

/**
 * Keeps submitted diffs under the diffs root (seed 000 §2.4: {@code /workspace/diffs}), where the git manager reads
 * them. A diff is named after its task and content ({@code <spec>/<task>-<sha256 prefix>.diff}), so submitting the
 * same diff twice keeps one file and, in the spec, one entry.
 */
final class DiffStore {
    private final Path root;

    DiffStore(Path root) {
        this.root = root;
    }

    /**
     * @return the diff's path relative to the root, with '/', as the spec records it
     * @throws BatonException.Invalid  no such file, or over the git manager's size limit
     * @throws BatonException.Transient the diffs root cannot be written
     */
    String keep(String specId, String taskId, Path diffFile) {
        if (!Ids.isSafe(taskId)) throw new BatonException.Invalid("sdk.task-id-invalid", "'" + taskId + "' cannot name a diff file");
        byte[] diff = read(diffFile);
        Path target = root.resolve(specId).resolve(taskId + "-" + SpecFingerprint.sha256(diff).substring(0, 16) + ".diff");
        try {
            if (!(Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), diff))) write(target, diff);
        } catch (IOException e) {
            throw new BatonException.Transient("sdk.diff-io", "cannot keep the diff of " + taskId + " in " + root + ": " + e, e);
        }
        return root.relativize(target).toString().replace('\\', '/');
    }

    private static byte[] read(Path diffFile) {
        try {
            long size = Files.size(diffFile);
            if (size > DiffApplier.DEFAULT_MAX_DIFF_BYTES) {
                throw new BatonException.Invalid("sdk.diff-too-large", diffFile + " is " + size + " bytes; the git manager takes diffs of up to "
                        + DiffApplier.DEFAULT_MAX_DIFF_BYTES);
            }
            return Files.readAllBytes(diffFile);
        } catch (NoSuchFileException e) {
            throw new BatonException.Invalid("sdk.diff-missing", "no diff file " + diffFile);
        } catch (IOException e) {
            throw new BatonException.Transient("sdk.diff-io", "cannot read " + diffFile + ": " + e, e);
        }
    }

    /** Temp file, fsync, rename: the git manager never sees half a diff. */
    private static void write(Path target, byte[] content) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(content);
                while (bytes.hasRemaining()) ch.write(bytes);
                ch.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
