package dev.baton.spec.watch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

/**
 * The JDK WatchService (inotify on Linux) on the spec folder. An atomic write shows up as CREATE of the target
 * name (the rename's IN_MOVED_TO), an in-place rewrite as MODIFY, a delete as DELETE.
 */
final class WatchServiceSource implements LiveSource {
    static final String MECHANISM = "watch-service";

    private static final Logger log = LoggerFactory.getLogger(WatchServiceSource.class);

    private final Path dir;
    private final WatchService service;
    private final Events events;
    private volatile boolean closed;

    WatchServiceSource(Path dir, WatchService service, Events events) {
        this.dir = dir;
        this.service = service;
        this.events = events;
    }

    static WatchServiceSource open(Path dir, Events events) throws IOException {
        WatchService service = dir.getFileSystem().newWatchService();
        try {
            dir.register(service, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
        } catch (IOException | RuntimeException e) {
            service.close();
            throw e;
        }
        WatchServiceSource source = new WatchServiceSource(dir, service, events);
        // A platform thread: take() parks in the JDK's own poller, and a dedicated thread keeps the first
        // report of a burst free of any scheduling delay.
        Thread.ofPlatform().daemon().name("spec-watch-service").start(source::run);
        return source;
    }

    @Override
    public String mechanism() {
        return MECHANISM;
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = service.take();
                handle(key.pollEvents());
                if (!key.reset()) {
                    if (!closed) events.failed(new IOException("the watch on " + dir + " ended (folder deleted or moved?)"));
                    return;
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            if (!closed) events.failed(e);
        } catch (RuntimeException e) {
            log.warn("spec watcher: watch-service thread failed", e);
            if (!closed) events.failed(e);
        }
    }

    /** One batch of events of the folder's key. Package-private so that a test can feed an OVERFLOW. */
    void handle(List<WatchEvent<?>> batch) {
        boolean overflowed = false;
        for (WatchEvent<?> event : batch) {
            WatchEvent.Kind<?> kind = event.kind();
            if (kind == OVERFLOW) {
                overflowed = true; // one rescan covers every overflow of the batch
                continue;
            }
            if (!(event.context() instanceof Path name) || !SpecFileNames.counts(name.toString())) continue;
            Path file = dir.resolve(name);
            boolean exists = kind != ENTRY_DELETE;
            // A sub-folder named like a spec file; deletes cannot be checked, and a report of one is harmless.
            if (exists && Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) continue;
            events.changed(file, exists);
        }
        if (overflowed) events.overflow();
    }

    @Override
    public void close() {
        closed = true;
        try {
            service.close(); // wakes take() with ClosedWatchServiceException
        } catch (IOException e) {
            log.debug("spec watcher: closing the watch service failed", e);
        }
    }
}
