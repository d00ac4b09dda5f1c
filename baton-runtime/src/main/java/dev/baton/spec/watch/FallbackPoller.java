package dev.baton.spec.watch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The safety net under the live sources, always on: it heals any lost event. A quick check compares each file's
 * inode, size and modification time with what was last seen; a full check compares content hashes, which also
 * catches a rewrite that kept size and modification time. Both run on one scheduler thread; the live sources
 * only tell the poller what they already reported ({@link #noticed}) so that it does not report it again.
 */
final class FallbackPoller implements AutoCloseable {
    static final String SOURCE = "poller";

    private static final Logger log = LoggerFactory.getLogger(FallbackPoller.class);

    /** What was last seen of one file; {@code sha256} is null when only the live source has seen this state. */
    record FileState(Object fileKey, long size, long modifiedNanos, String sha256) {
        boolean sameAttributes(FileState other) {
            return other != null && size == other.size && modifiedNanos == other.modifiedNanos && Objects.equals(fileKey, other.fileKey);
        }
    }

    private final Path dir;
    private final Consumer<SpecFileChange> sink;
    private final Map<Path, FileState> seen = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private volatile Thread schedulerThread;
    private volatile String problem;

    FallbackPoller(Path dir, Consumer<SpecFileChange> sink) {
        this.dir = dir;
        this.sink = sink;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = Thread.ofPlatform().daemon().name("spec-watch-poller").unstarted(task);
            schedulerThread = thread;
            return thread;
        });
    }

    /** Records the folder as it is now, without reporting anything: the watcher reports changes from here on. */
    void baseline() {
        Map<Path, FileState> now = list(true);
        if (now != null) now.forEach(seen::putIfAbsent);
    }

    void start(Duration quickCheckInterval, Duration pollInterval) {
        long quick = quickCheckInterval.toNanos();
        long full = pollInterval.toNanos();
        scheduler.scheduleWithFixedDelay(() -> safely(false), quick, quick, TimeUnit.NANOSECONDS);
        scheduler.scheduleWithFixedDelay(() -> safely(true), full, full, TimeUnit.NANOSECONDS);
    }

    /**
     * A live source reported {@code file}: remember its attributes so that the quick check does not report it
     * again. Runs before the report is handed on, so the consumer's read comes after the state recorded here;
     * recording a later state than the consumer will see would hide a change. The hash stays unknown (no file
     * read on the hot path), so the next full check reports the file once more: a harmless duplicate.
     */
    void noticed(Path file) {
        FileState state = attributes(file, false);
        if (state == null) seen.remove(file);
        else seen.put(file, state);
    }

    /** A full check as soon as the poller thread is free (after an overflow or a source switch). */
    void rescanSoon() {
        scheduler.execute(() -> safely(true));
    }

    /** A full check, finished when this returns. */
    void rescanNow() {
        if (Thread.currentThread() == schedulerThread) {
            check(true);
            return;
        }
        try {
            scheduler.submit(() -> safely(true)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | RejectedExecutionException e) { // closed meanwhile
            log.debug("spec watcher: rescan did not run", e);
        }
    }

    /** Null while the folder can be listed; otherwise why not. */
    String problem() {
        return problem;
    }

    private void safely(boolean full) {
        try {
            check(full);
        } catch (RuntimeException e) {
            // A thrown exception would cancel the schedule for good; log and try again next time.
            log.warn("spec watcher: poll of {} failed", dir, e);
        }
    }

    /** A quick or full check on the calling thread; tests call it directly to stay clear of the schedule. */
    void check(boolean full) {
        Map<Path, FileState> now = list(full);
        if (now == null) return;
        for (Map.Entry<Path, FileState> entry : now.entrySet()) {
            Path file = entry.getKey();
            FileState current = entry.getValue();
            FileState last = seen.get(file);
            if (!full && current.sameAttributes(last)) continue;
            if (current.sha256() == null) current = withHash(file, current); // quick check: hash only what moved
            if (current == null) continue; // gone meanwhile; the next check reports the delete
            seen.put(file, current);
            if (last == null || last.sha256() == null || !last.sha256().equals(current.sha256())) {
                sink.accept(new SpecFileChange(file, true, SOURCE));
            }
        }
        for (Path file : seen.keySet()) {
            // Absent from the listing is not enough: a file created after it was taken is in seen already.
            if (!now.containsKey(file) && Files.notExists(file) && seen.remove(file) != null) {
                sink.accept(new SpecFileChange(file, false, SOURCE));
            }
        }
    }

    /** The spec files of the folder with their attributes (and hashes when {@code hash}); null when unlistable. */
    private Map<Path, FileState> list(boolean hash) {
        Map<Path, FileState> files = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path file : entries) {
                if (!SpecFileNames.counts(file.getFileName().toString())) continue;
                FileState state = attributes(file, hash);
                if (state != null) files.put(file, state);
            }
        } catch (IOException | RuntimeException e) {
            if (problem == null) log.warn("spec watcher: cannot list {}: {}", dir, e.toString());
            problem = "cannot list " + dir + ": " + e;
            return null;
        }
        if (problem != null) log.info("spec watcher: {} can be listed again", dir);
        problem = null;
        return files;
    }

    /** Null when the file is gone or is not a regular file. */
    private static FileState attributes(Path file, boolean hash) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attrs.isRegularFile()) return null;
            FileState state = new FileState(attrs.fileKey(), attrs.size(), attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS), null);
            return hash ? withHash(file, state) : state;
        } catch (IOException e) {
            return null;
        }
    }

    private static FileState withHash(Path file, FileState state) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) sha.update(buffer, 0, n);
            return new FileState(state.fileKey(), state.size(), state.modifiedNanos(), HexFormat.of().formatHex(sha.digest()));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            log.debug("spec watcher: cannot read {}: {}", file, e.toString());
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
