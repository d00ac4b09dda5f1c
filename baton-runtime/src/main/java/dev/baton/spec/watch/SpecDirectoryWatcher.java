package dev.baton.spec.watch;

import dev.baton.shared.BatonException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reports which spec files of one flat folder changed. One live event source (watchman when asked for and
 * running, else the JDK WatchService) gives the fast path; the {@link FallbackPoller} always runs underneath and
 * heals lost events; the {@link ChangeCoalescer} folds bursts and delivers on one thread. When the live source
 * breaks, the watcher falls back to the next one at once and retries the preferred one every 30 s.
 *
 * <p>Existing files are not reported at start: they are the baseline, and the consumer reads the folder once on
 * its own start. {@link #rescan()} after an outage of the consumer's side (a NATS reconnect) reports whatever
 * differs from what was reported last.
 */
public final class SpecDirectoryWatcher implements AutoCloseable {
    static final Duration RETRY_INTERVAL = Duration.ofSeconds(30);
    static final String NONE = "none";

    private static final Logger log = LoggerFactory.getLogger(SpecDirectoryWatcher.class);

    private final Path dir;
    private final WatchSettings settings;
    private final LiveSource.Opener watchman;
    private final LiveSource.Opener watchService;
    private final Duration retryInterval;
    private final SpecChangeListener listener;
    private final ChangeCoalescer coalescer;
    private final FallbackPoller poller;
    private final ScheduledExecutorService retries;
    private final AtomicLong reported = new AtomicLong();
    private final AtomicLong overflows = new AtomicLong();
    private final Object switching = new Object();
    private volatile Live live;
    private volatile String whyNotPreferred;
    private volatile String lastFailure;
    private volatile boolean closed;

    /** The live source and the events object it reports through (which identifies it when it fails). */
    private record Live(LiveSource source, Feed feed) {
    }

    private SpecDirectoryWatcher(Path dir, WatchSettings settings, SpecChangeListener listener,
                                 LiveSource.Opener watchman, LiveSource.Opener watchService, Duration retryInterval) {
        this.dir = dir;
        this.settings = settings;
        this.listener = listener;
        this.watchman = watchman;
        this.watchService = watchService;
        this.retryInterval = retryInterval;
        this.coalescer = new ChangeCoalescer(settings.coalesceWindow(), this::deliver);
        this.poller = new FallbackPoller(dir, coalescer::offer);
        this.retries = Executors.newSingleThreadScheduledExecutor(task -> Thread.ofPlatform().daemon().name("spec-watch-retry").unstarted(task));
    }

    /** Watches {@code dir} (created when missing) until {@link #close()}. */
    public static SpecDirectoryWatcher start(Path dir, WatchSettings settings, SpecChangeListener listener) {
        return start(dir, settings, listener,
                (folder, events) -> WatchmanSource.open(settings.watchmanBinary(), folder, events),
                WatchServiceSource::open, RETRY_INTERVAL);
    }

    /** With the live sources and the retry interval chosen by a test. */
    static SpecDirectoryWatcher start(Path dir, WatchSettings settings, SpecChangeListener listener,
                                      LiveSource.Opener watchman, LiveSource.Opener watchService, Duration retryInterval) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(listener, "listener");
        Path folder = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new BatonException.Transient("spec-watch.folder-unavailable", "cannot create the spec folder " + folder + ": " + e, e);
        }
        SpecDirectoryWatcher watcher = new SpecDirectoryWatcher(folder, settings, listener, watchman, watchService, retryInterval);
        watcher.begin();
        return watcher;
    }

    private void begin() {
        // Live source first, baseline second: a change in between is reported by the source, never lost.
        Live first = open(preferred(), false);
        if (first == null && settings.useWatchman()) first = open(WatchServiceSource.MECHANISM, false);
        install(first);
        poller.baseline();
        poller.start(settings.quickCheckInterval(), settings.pollInterval());
        long every = retryInterval.toNanos();
        retries.scheduleWithFixedDelay(this::retryPreferred, every, every, TimeUnit.NANOSECONDS);
        log.info("spec watcher: watching {} with {} (quick check every {} ms, content check every {} ms)", dir, mechanism(),
                settings.quickCheckInterval().toMillis(), settings.pollInterval().toMillis());
    }

    /** {@code "watchman"} or {@code "watch-service"}; {@code "poller"} when no live source works, {@code "none"} when nothing does. */
    public String mechanism() {
        Live current = live;
        if (current != null) return current.feed().mechanism;
        return poller.problem() == null ? FallbackPoller.SOURCE : NONE;
    }

    public WatcherHealth health() {
        Live current = live;
        String pollerProblem = poller.problem();
        String pollerState = pollerProblem == null
                ? "poller checks every " + settings.quickCheckInterval().toMillis() + " ms, hashes every " + settings.pollInterval().toMillis() + " ms"
                : "poller failing: " + pollerProblem;
        if (current != null) {
            String mechanism = current.feed().mechanism;
            if (mechanism.equals(preferred())) return new WatcherHealth(true, mechanism, mechanism + " live; " + pollerState);
            return new WatcherHealth(true, mechanism, "degraded: " + preferred() + " unavailable (" + whyNotPreferred + "); "
                    + mechanism + " live, retrying " + preferred() + " every " + retryInterval.toSeconds() + " s; " + pollerState);
        }
        if (pollerProblem == null) {
            return new WatcherHealth(true, FallbackPoller.SOURCE, "degraded: no live event source (" + lastFailure
                    + "); changes are found by the poller within " + settings.quickCheckInterval().toMillis() + " ms; " + pollerState);
        }
        return new WatcherHealth(false, NONE, "no event source works: " + lastFailure + "; " + pollerState);
    }

    /** Compares every spec file with what was last reported, by content, and reports the differences now. */
    public void rescan() {
        poller.rescanNow();
    }

    /** Reports handed to the listener (after folding). */
    public long changesReported() {
        return reported.get();
    }

    /** Times a source lost events and a full comparison had to stand in. */
    public long overflows() {
        return overflows.get();
    }

    @Override
    public void close() {
        Live current;
        synchronized (switching) {
            if (closed) return;
            closed = true;
            current = live;
            live = null;
        }
        retries.shutdownNow();
        if (current != null) current.source().close();
        poller.close();
        coalescer.close();
        log.info("spec watcher: stopped watching {}", dir);
    }

    private void deliver(SpecFileChange change) {
        reported.incrementAndGet();
        listener.changed(change);
    }

    private String preferred() {
        return settings.useWatchman() ? WatchmanSource.MECHANISM : WatchServiceSource.MECHANISM;
    }

    /** Null when the mechanism does not work here; the reason is kept for {@link #health()}. */
    private Live open(String mechanism, boolean retrying) {
        Feed feed = new Feed(mechanism);
        LiveSource.Opener opener = mechanism.equals(WatchmanSource.MECHANISM) ? watchman : watchService;
        try {
            return new Live(opener.open(dir, feed), feed);
        } catch (Exception e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            if (mechanism.equals(preferred())) whyNotPreferred = reason;
            lastFailure = mechanism + ": " + reason;
            // Retries repeat every 30 s for as long as the outage lasts: only the first failure is worth a warning.
            if (retrying) log.debug("spec watcher: {} still does not work for {}: {}", mechanism, dir, reason);
            else log.warn("spec watcher: {} does not work for {}: {}", mechanism, dir, reason);
            return null;
        }
    }

    /** Makes {@code next} the live source (null: none) and closes the one it replaces. */
    private void install(Live next) {
        Live previous;
        synchronized (switching) {
            if (closed) {
                if (next != null) next.source().close();
                return;
            }
            previous = live;
            live = next;
        }
        if (previous != null && previous != next) previous.source().close();
        // The source may have failed before it became live; its failure was ignored then.
        if (next != null && next.feed().failure != null) failed(next.feed(), next.feed().failure);
    }

    private void failed(Feed feed, Exception cause) {
        Live current;
        synchronized (switching) {
            current = live;
            if (closed || current == null || current.feed() != feed) return;
            live = null;
        }
        String reason = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        if (feed.mechanism.equals(preferred())) whyNotPreferred = feed.mechanism + " failed: " + reason;
        lastFailure = feed.mechanism + " failed: " + reason;
        log.warn("spec watcher: {} stopped delivering events for {} ({}); falling back", feed.mechanism, dir, reason);
        current.source().close();
        if (feed.mechanism.equals(WatchmanSource.MECHANISM)) install(open(WatchServiceSource.MECHANISM, false));
        poller.rescanSoon(); // events of the gap may be lost
    }

    /** Every retry interval: back to the preferred source, or at least to any live one. */
    void retryPreferred() {
        try {
            Live current = live;
            if (closed || (current != null && current.feed().mechanism.equals(preferred()))) return;
            Live next = open(preferred(), true);
            if (next == null && current == null && settings.useWatchman()) next = open(WatchServiceSource.MECHANISM, true);
            if (next == null) return;
            log.info("spec watcher: {} is live again for {}", next.feed().mechanism, dir);
            install(next);
            poller.rescanSoon();
        } catch (RuntimeException e) {
            log.warn("spec watcher: retrying the live source failed", e);
        }
    }

    /** The events of one opened source; reports carry its mechanism as their source. */
    private final class Feed implements LiveSource.Events {
        final String mechanism;
        volatile Exception failure;

        Feed(String mechanism) {
            this.mechanism = mechanism;
        }

        @Override
        public void changed(Path file, boolean exists) {
            poller.noticed(file);
            coalescer.offer(new SpecFileChange(file, exists, mechanism));
        }

        @Override
        public void overflow() {
            overflows.incrementAndGet();
            log.info("spec watcher: {} lost events for {}; comparing every file", mechanism, dir);
            poller.rescanSoon();
        }

        @Override
        public void failed(Exception cause) {
            failure = cause;
            SpecDirectoryWatcher.this.failed(this, cause);
        }
    }
}
