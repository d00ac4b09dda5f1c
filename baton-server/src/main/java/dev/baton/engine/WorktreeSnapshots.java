package dev.baton.engine;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Tells cheaply whether a worktree may have changed since the last look, from each file's size,
 * modification time (nanoseconds) and file key — the stat data git itself trusts in its index. When
 * nothing moved, the per-task {@code git add} (a process, most of a task's overhead) is skipped; when
 * anything did, or the tree is too large to scan quickly, git decides as before. On a file system with
 * coarse timestamps a same-size rewrite could go unseen here: it would then be missing from that task's
 * report only, since the work's checkpoint commit stages everything anyway.
 */
final class WorktreeSnapshots {
    /** Past this many entries a scan is no cheaper than git: always ask git. */
    static final int MAX_ENTRIES = 20_000;
    private final Map<Path, Map<Path, Long>> last = new HashMap<>();

    /** Records the worktree's current state as the baseline. */
    void baseline(Path worktree) {
        Map<Path, Long> now = scan(worktree);
        if (now == null) last.remove(worktree);
        else last.put(worktree, now);
    }

    /** True unless the worktree is provably unchanged since the baseline; the current state becomes the baseline. */
    boolean mayHaveChanged(Path worktree) {
        Map<Path, Long> before = last.get(worktree);
        Map<Path, Long> now = scan(worktree);
        if (now == null) {
            last.remove(worktree);
            return true;
        }
        last.put(worktree, now);
        return !now.equals(before);
    }

    /** Relative path → stat fingerprint of every entry but the worktree's own {@code .git}; null when too large or unreadable. */
    private static Map<Path, Long> scan(Path root) {
        Map<Path, Long> entries = new HashMap<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (dir.getParent() != null && dir.getParent().equals(root) && dir.getFileName().toString().equals(".git")) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return add(dir, attrs);
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (file.getParent().equals(root) && file.getFileName().toString().equals(".git")) return FileVisitResult.CONTINUE;
                    return add(file, attrs);
                }

                private FileVisitResult add(Path p, BasicFileAttributes a) {
                    entries.put(root.relativize(p), Objects.hash(a.size(), a.lastModifiedTime().toInstant(), a.fileKey()) * 31L + a.size());
                    return entries.size() > MAX_ENTRIES ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            return null;
        }
        return entries.size() > MAX_ENTRIES ? null : entries;
    }
}
