package dev.baton.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A retry scheduler the test advances by hand: nothing runs until {@link #runDue()}. */
final class ManualRetryScheduler implements RetryScheduler {
    record Scheduled(Duration delay, Runnable task) {
    }

    private final List<Scheduled> queued = new ArrayList<>();
    final List<Duration> delays = new ArrayList<>();
    boolean closed;

    @Override
    public synchronized void schedule(Duration delay, Runnable task) {
        queued.add(new Scheduled(delay, task));
        delays.add(delay);
    }

    /** Runs what is queued now (retries scheduled by these runs wait for the next call); returns how many ran. */
    int runDue() {
        List<Scheduled> now;
        synchronized (this) {
            now = List.copyOf(queued);
            queued.clear();
        }
        now.forEach(s -> s.task().run());
        return now.size();
    }

    synchronized int waiting() {
        return queued.size();
    }

    @Override
    public void close() {
        closed = true;
    }
}
