package dev.baton.cleanup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Usable bytes on the file system holding a path; tests inject their own instead of filling the disk. */
@FunctionalInterface
public interface FreeSpace {
    long usableBytes(Path root);

    /** The real file system; a root not created yet is measured at its nearest existing parent. */
    static FreeSpace fileSystem() {
        return root -> {
            Path p = root.toAbsolutePath();
            while (p != null && !Files.exists(p)) p = p.getParent();
            if (p == null) throw new UncheckedIOException(new IOException("no existing parent of " + root));
            try {
                return Files.getFileStore(p).getUsableSpace();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
