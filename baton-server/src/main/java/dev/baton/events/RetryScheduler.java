package dev.baton.events;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a handler retry later, off the thread that saw the failure: the engine thread that published an
 * event never waits for a retry. Tests pass a scheduler they advance by hand.
 */
public interface RetryScheduler extends AutoCloseable {

    void schedule(Duration delay, Runnable task);

    @Override
    void close();

    /** One timer thread that starts each due retry on a virtual thread of its own (a slow handler holds up no other retry). */
    static RetryScheduler timer(String name) {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return new RetryScheduler() {
            private final ScheduledExecutorService executor = timer;

            @Override
            public void schedule(Duration delay, Runnable task) {
                executor.schedule(() -> Thread.ofVirtual().name(name + "-run").start(task), delay.toNanos(), TimeUnit.NANOSECONDS);
            }

            @Override
            public void close() {
                executor.shutdownNow();
            }
        };
    }

    /** For buses without retries: scheduling is a programming error. */
    static RetryScheduler none() {
        return new RetryScheduler() {
            @Override
            public void schedule(Duration delay, Runnable task) {
                throw new IllegalStateException("this event bus has no retry scheduler");
            }

            @Override
            public void close() {
            }
        };
    }
}
