package dev.baton.spec;

import dev.baton.shared.BatonException;
import dev.baton.shared.Problem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Resolves a path written in a spec file against a root folder and refuses anything that ends up outside
 * it: {@code ../} that climbs out, absolute paths elsewhere, and symbolic links (anywhere along the path,
 * also in folders that exist when the last part does not yet) that point out.
 */
public final class SpecPaths {

    private SpecPaths() {
    }

    /** The resolved, real absolute path, or why the path is refused (exactly one of the two is set). */
    record Resolved(Path path, String error) {
        static Resolved refused(String error) {
            return new Resolved(null, error);
        }
    }

    /**
     * @return the real absolute path of {@code raw} inside {@code root}
     * @throws BatonException.Invalid when it is not a valid path or leaves the root
     */
    public static Path requireInside(Path root, String raw) {
        Resolved r = resolve(root, raw);
        if (r.error() != null) {
            throw new BatonException.Invalid("path.outside-root", r.error(), List.of(Problem.at(null, r.error())));
        }
        return r.path();
    }

    static Resolved resolve(Path root, String raw) {
        if (raw.indexOf('\0') >= 0) return Resolved.refused("path contains a NUL character");
        Path given;
        try {
            given = Path.of(raw);
        } catch (InvalidPathException e) {
            return Resolved.refused("'" + raw + "' is not a valid path: " + e.getReason());
        }
        Path rootAbs = root.toAbsolutePath().normalize();
        Path rootReal;
        Path candidate = (given.isAbsolute() ? given : rootAbs.resolve(given)).normalize();
        try {
            rootReal = realPath(rootAbs);
            // Lexical check first: it catches ../ and foreign absolute paths even when nothing exists on disk.
            if (!candidate.startsWith(rootAbs) && !candidate.startsWith(rootReal)) {
                return Resolved.refused(given.isAbsolute()
                        ? "'" + raw + "' is outside the root folder " + rootAbs
                        : "'" + raw + "' climbs out of the root folder " + rootAbs);
            }
            Path real = realPath(candidate);
            if (!real.startsWith(rootReal)) {
                return Resolved.refused("'" + raw + "' leads outside the root folder " + rootAbs + " through a symbolic link (to " + real + ")");
            }
            return new Resolved(real, null);
        } catch (NoSuchFileException e) {
            return Resolved.refused("'" + raw + "' goes through a symbolic link whose target does not exist");
        } catch (IOException e) {
            return Resolved.refused("'" + raw + "' cannot be resolved: " + e.getMessage());
        }
    }

    /**
     * The real path of the deepest part of {@code path} that exists, with the missing rest appended: a
     * symbolic link in an existing parent folder is followed even when the file itself is not there yet.
     */
    static Path realPath(Path path) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        Path existing = path;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            missing.push(existing.getFileName());
            existing = existing.getParent();
        }
        Path real = existing == null ? path.getRoot() : existing.toRealPath();
        while (!missing.isEmpty()) real = real.resolve(missing.pop());
        return real;
    }

    /** {@code path} written relative to {@code root} with '/' when it lies inside, else unchanged. */
    static String relativeOrAbsolute(Path root, Path path) {
        if (root != null && path.isAbsolute()) {
            for (Path base : List.of(root.toAbsolutePath().normalize(), realOrSelf(root))) {
                if (path.startsWith(base)) {
                    String rel = base.relativize(path).toString().replace('\\', '/');
                    return rel.isEmpty() ? "." : rel;
                }
            }
        }
        return path.toString();
    }

    private static Path realOrSelf(Path root) {
        try {
            return realPath(root.toAbsolutePath().normalize());
        } catch (IOException e) {
            return root.toAbsolutePath().normalize();
        }
    }
}
