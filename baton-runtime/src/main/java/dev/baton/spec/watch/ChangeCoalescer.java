package dev.baton.spec.watch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Folds bursts per file and delivers on one dedicated thread, in order. The first change of a file goes out at
 * once; further changes of that file within the window become one trailing delivery at the window's end (with
 * the latest state), which opens the next window. So a file is reported at most once per window while it keeps
 * changing, and one file's burst never delays another file.
 */
final class ChangeCoalescer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChangeCoalescer.class);

    private final long windowNanos;
    private final Consumer<SpecFileChange> sink;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final ArrayDeque<SpecFileChange> ready = new ArrayDeque<>();
    private final Map<Path, Window> windows = new HashMap<>();
    /** Every window has the same length and opens "now", so appending keeps this queue ordered by deadline. */
    private final ArrayDeque<Window> byDeadline = new ArrayDeque<>();
    private final Thread thread;
    private boolean closed;

    private static final class Window {
        final Path file;
        long deadline;
        SpecFileChange pending;

        Window(Path file, long deadline) {
            this.file = file;
            this.deadline = deadline;
        }
    }

    ChangeCoalescer(Duration window, Consumer<SpecFileChange> sink) {
        this.windowNanos = window.toNanos();
        this.sink = sink;
        // A platform thread parked on a condition wakes within microseconds of a signal; the first report of a
        // burst must not wait for a scheduler.
        this.thread = Thread.ofPlatform().daemon().name("spec-watch-delivery").start(this::run);
    }

    /** Called from any source thread; never blocks on the listener. */
    void offer(SpecFileChange change) {
        lock.lock();
        try {
            if (closed) return;
            Window window = windows.get(change.file());
            if (window != null) {
                window.pending = change; // folded: the trailing delivery carries the latest state
                return;
            }
            ready.add(change);
            if (windowNanos > 0) {
                window = new Window(change.file(), System.nanoTime() + windowNanos);
                windows.put(change.file(), window);
                byDeadline.addLast(window);
            }
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        List<SpecFileChange> batch = new ArrayList<>();
        while (true) {
            lock.lock();
            try {
                while (true) {
                    if (closed) return;
                    long now = System.nanoTime();
                    closeWindows(now);
                    if (!ready.isEmpty()) {
                        batch.addAll(ready);
                        ready.clear();
                        break;
                    }
                    Window first = byDeadline.peekFirst();
                    if (first == null) wake.await();
                    else wake.awaitNanos(first.deadline - now);
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            for (SpecFileChange change : batch) deliver(change);
            batch.clear();
        }
    }

    /** Windows that ended: a folded change becomes the trailing delivery and opens the next window. */
    private void closeWindows(long now) {
        Window window;
        while ((window = byDeadline.peekFirst()) != null && window.deadline - now <= 0) {
            byDeadline.pollFirst();
            if (window.pending == null) {
                windows.remove(window.file);
                continue;
            }
            ready.add(window.pending);
            window.pending = null;
            window.deadline = now + windowNanos;
            byDeadline.addLast(window);
        }
    }

    private void deliver(SpecFileChange change) {
        try {
            sink.accept(change);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            // A broken listener must not stop the reports of every other file.
            log.warn("spec watcher: the listener failed on {}", change, e);
        }
    }

    /** Stops deliveries; changes still folded are dropped (the caller is shutting the watcher down). */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() == thread) return;
        try {
            thread.join(Duration.ofSeconds(1)); // a listener still busy keeps its thread; it is a daemon
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
