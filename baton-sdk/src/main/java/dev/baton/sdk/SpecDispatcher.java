package dev.baton.sdk;

import dev.baton.shared.BatonException;
import dev.baton.spec.store.SpecSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Turns the client's notices — pings, watcher and poller events, its own writes — into spec views for the
 * subscribers, on one thread so that every handler sees the specs in order and never two at once. Notices for a
 * spec whose read is still queued are folded into it: the read happens later and sees the latest content anyway,
 * so a burst of writes costs one read, not one per notice.
 */
final class SpecDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SpecDispatcher.class);

    /**
     * Something may have changed in a spec.
     *
     * @param path    where the notice says the file is (a ping's path is the sender's), may be null
     * @param version the version a ping announced; null for notices that must be read regardless
     * @param gone    the file was seen deleted
     */
    record Notice(String specId, String path, Long version, String sha256, boolean gone) {
        static Notice ping(String specId, String path, Long version, String sha256) {
            return new Notice(specId, path, version, sha256, false);
        }

        static Notice file(String specId, Path file, boolean exists) {
            return new Notice(specId, file.toString(), null, null, !exists);
        }

        /** Two notices for one spec before it was read: one read answers both. */
        Notice fold(Notice later) {
            boolean unconditional = version == null || later.version == null;
            Notice newest = !unconditional && version > later.version ? this : later;
            return new Notice(specId, later.path != null ? later.path : path, unconditional ? null : newest.version,
                    unconditional ? null : newest.sha256, gone || later.gone);
        }
    }

    private static final class Subscription implements AutoCloseable {
        final Consumer<SpecView> handler;
        final SpecDeduplicator seen = new SpecDeduplicator();
        volatile boolean closed;
        Runnable onClose = () -> { };

        Subscription(Consumer<SpecView> handler) {
            this.handler = handler;
        }

        @Override
        public void close() {
            closed = true;
            onClose.run();
        }
    }

    private final String agentId;
    private final SpecFolder folder;
    private final Function<Path, Optional<SpecSnapshot>> reader;
    private final Counters counters;
    private final ConcurrentHashMap<String, Notice> queued = new ConcurrentHashMap<>();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final ExecutorService thread;
    private volatile Thread deliveryThread;
    private volatile boolean closed;

    /** @param reader reads a spec file (with the client's retries); empty when it is gone */
    SpecDispatcher(String agentId, SpecFolder folder, Function<Path, Optional<SpecSnapshot>> reader, Counters counters) {
        this.agentId = agentId;
        this.folder = folder;
        this.reader = reader;
        this.counters = counters;
        this.thread = Executors.newSingleThreadExecutor(task -> {
            Thread t = Thread.ofPlatform().daemon().name("baton-agent-" + agentId).unstarted(task);
            deliveryThread = t;
            return t;
        });
    }

    /** Any thread. */
    void offer(Notice notice) {
        if (closed) return;
        boolean[] first = {false};
        queued.compute(notice.specId(), (id, waiting) -> {
            if (waiting != null) return waiting.fold(notice);
            first[0] = true;
            return notice;
        });
        if (first[0]) execute(() -> process(notice.specId()));
    }

    /** Hands {@code handler} every spec there is now, then every change. */
    AutoCloseable subscribe(Consumer<SpecView> handler) {
        Objects.requireNonNull(handler, "handler");
        if (closed) throw new BatonException.Conflict("sdk.client-closed", "agent " + agentId + ": the client is closed");
        Subscription s = new Subscription(handler);
        s.onClose = () -> subscriptions.remove(s);
        subscriptions.add(s);
        execute(() -> {
            try {
                for (Path file : folder.list()) read(file).ifPresent(view -> deliver(s, view));
            } catch (BatonException.Transient e) {
                // What could not be listed now is reported by the poller once the folder can be read again.
                log.warn("agent {}: cannot list the specs for a new subscriber: {}", agentId, e.getMessage());
            }
        });
        return s;
    }

    private void process(String specId) {
        try {
            processNow(specId);
        } catch (RuntimeException e) {
            // An executor task that throws is dropped without a word; this one must at least be logged.
            log.warn("agent {}: handling a change of spec {} failed", agentId, specId, e);
        }
    }

    private void processNow(String specId) {
        Notice n = queued.remove(specId);
        if (n == null) return;
        if (n.gone()) subscriptions.forEach(s -> s.seen.forget(specId));
        if (subscriptions.isEmpty()) return;
        if (n.version() != null && subscriptions.stream().noneMatch(s -> s.seen.worthReading(specId, n.version(), n.sha256()))) {
            counters.pingsSkipped.increment();
            return;
        }
        Optional<Path> file = folder.locate(specId, n.path());
        if (file.isEmpty()) return;
        read(file.get()).ifPresent(view -> subscriptions.forEach(s -> deliver(s, view)));
    }

    private Optional<SpecView> read(Path file) {
        String specId = SpecFolder.specIdOf(file);
        try {
            counters.specReads.increment();
            return reader.apply(file).map(SpecView::of);
        } catch (BatonException.Invalid e) {
            // Its author will fix it; the next change is read again.
            log.warn("agent {}: spec {} cannot be read: {}", agentId, specId, e.getMessage());
        } catch (BatonException.Transient e) {
            // The poller's next full check reports the file again, as it has not seen this content handed over.
            log.warn("agent {}: spec {} cannot be read now, even after retries: {}", agentId, specId, e.getMessage());
        }
        return Optional.empty();
    }

    private void deliver(Subscription s, SpecView view) {
        if (s.closed || !s.seen.firstTime(view)) return;
        counters.delivered.increment();
        try {
            s.handler.accept(view);
        } catch (RuntimeException | AssertionError e) {
            // AssertionError too: a test's handler failing must not end the delivery thread's work for the others.
            counters.handlerFailures.increment();
            log.warn("agent {}: a handler failed on spec {} version {}; delivery goes on", agentId, view.specId(), view.version(), e);
        }
    }

    private void execute(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("agent {}: closed; a notice was dropped", agentId);
        }
    }

    @Override
    public void close() {
        closed = true;
        subscriptions.clear();
        thread.shutdownNow();
        if (Thread.currentThread() == deliveryThread) return; // closed from a handler: the thread ends after it
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) log.warn("agent {}: a handler is still running after close", agentId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
