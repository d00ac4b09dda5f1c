package dev.baton.logs.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Batches waiting for the writer, bounded in (estimated) bytes: the writer takes all of them at once (one
 * group), and their bytes are released only once the group is stored, so memory cannot grow past the bound.
 */
final class AppendQueue {
    record Pending(AppendBatch batch, AppendCallback callback, long bytes) {
    }

    private final long maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition space = lock.newCondition();
    private List<Pending> items = new ArrayList<>();
    private final List<Runnable> spaceWaiters = new ArrayList<>();
    private long bytes;
    private boolean closed;

    AppendQueue(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /** False when full (a batch larger than the whole bound is still taken when the queue is empty). */
    boolean offer(Pending p) {
        lock.lock();
        try {
            if (closed) throw new IllegalStateException("the log store is closed");
            if (bytes > 0 && bytes + p.bytes() > maxBytes) return false;
            items.add(p);
            bytes += p.bytes();
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Waits for room, then queues. */
    void put(Pending p) throws InterruptedException {
        lock.lock();
        try {
            while (!closed && bytes > 0 && bytes + p.bytes() > maxBytes) space.await();
            offer(p);
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code r} once (on the writer thread) when bytes are released; at once if there is room now. */
    void whenSpace(Runnable r) {
        lock.lock();
        try {
            if (bytes >= maxBytes && !closed) {
                spaceWaiters.add(r);
                return;
            }
        } finally {
            lock.unlock();
        }
        r.run();
    }

    /** Everything queued, waiting up to {@code waitMs} for something; empty when closed and drained. */
    List<Pending> takeAll(long waitMs) throws InterruptedException {
        lock.lock();
        try {
            if (items.isEmpty() && !closed) notEmpty.await(waitMs, TimeUnit.MILLISECONDS);
            List<Pending> out = items;
            items = new ArrayList<>();
            return out;
        } finally {
            lock.unlock();
        }
    }

    void release(long n) {
        List<Runnable> wake;
        lock.lock();
        try {
            bytes -= n;
            space.signalAll();
            if (spaceWaiters.isEmpty()) return;
            wake = List.copyOf(spaceWaiters);
            spaceWaiters.clear();
        } finally {
            lock.unlock();
        }
        wake.forEach(Runnable::run);
    }

    void close() {
        List<Runnable> wake;
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
            space.signalAll();
            wake = List.copyOf(spaceWaiters);
            spaceWaiters.clear();
        } finally {
            lock.unlock();
        }
        wake.forEach(Runnable::run);
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }
}
