package dev.baton.spec;

import dev.baton.shared.BatonException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.UUID;

/**
 * Writes a file so that readers (agents, the file watcher) see either the old content or the new one, never
 * half of it: a temp file in the same folder (so the rename stays on one file system), fsync, atomic rename.
 */
public final class AtomicFiles {

    /** A step between writing the temp file and renaming it; only tests put something there. */
    @FunctionalInterface
    interface BeforeMove {
        void run(Path temp) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Replaces (or creates) {@code target} with {@code content} in UTF-8, keeping the permissions of the file it
     * replaces. Missing parent folders are created.
     *
     * @throws BatonException.Transient when the file system refuses; {@code target} is then unchanged and no temp file is left
     */
    public static void write(Path target, String content) {
        write(target, content, temp -> { });
    }

    static void write(Path target, String content, BeforeMove beforeMove) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        // A dot name so that watchers and globs for *.yaml skip it. Not Files.createTempFile: that makes the
        // file owner-only, and the renamed spec must stay readable by outside agents running as other users.
        Path temp = dir.resolve("." + absolute.getFileName() + "." + UUID.randomUUID() + ".tmp");
        boolean created = false;
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                created = true;
                ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) ch.write(bytes);
                ch.force(true);
            }
            keepPermissions(absolute, temp);
            beforeMove.run(temp);
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            created = false;
            syncFolder(dir);
        } catch (IOException e) {
            throw new BatonException.Transient("file.write-failed", "cannot write " + absolute + ": " + e, e);
        } finally {
            if (created) deleteQuietly(temp);
        }
    }

    private static void keepPermissions(Path target, Path temp) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(target, PosixFileAttributeView.class);
        if (view != null && Files.isRegularFile(target)) {
            Files.setPosixFilePermissions(temp, view.readAttributes().permissions());
        }
    }

    /** Makes the rename itself durable; not every platform can open a folder, and then there is nothing to do. */
    private static void syncFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: the content itself is already on disk
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // the original failure is what the caller needs to see
        }
    }
}
