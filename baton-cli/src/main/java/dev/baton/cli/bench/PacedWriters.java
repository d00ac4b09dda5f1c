package dev.baton.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the writes of a phase on a fixed schedule — write {@code i} no earlier than {@code i / rate} seconds
 * after the first — from a few threads, so that one slow write (an fsync) delays no other and the latency
 * figures show the path, not a queue in front of it. A write that starts late because every thread was busy
 * shows up in {@link Result#lag}.
 */
final class PacedWriters {

    /** One write; {@code index} tells the file and the version (see {@link PingLatencyLog}). */
    @FunctionalInterface
    interface Write {
        void run(int index) throws Exception;
    }

    /**
     * @param writesPerSecond achieved: measured writes ÷ (end of the last − start of the first measured write)
     * @param lag             how late measured writes started against their schedule, ms
     * @param duration        how long a measured write call took, ms
     */
    record Result(double writesPerSecond, Stats lag, Stats duration, int failed, List<String> failures) {
    }

    private static final int KEPT_FAILURES = 5;

    private PacedWriters() {
    }

    /** Runs writes {@code 0 .. log.totalWrites()-1}; those before {@code warmup} count for nothing but the latency log's order. */
    static Result run(PingLatencyLog log, int warmup, double rate, int threads, Write write) throws InterruptedException {
        int total = log.totalWrites();
        long period = Math.round(1e9 / rate);
        AtomicInteger next = new AtomicInteger();
        AtomicLongArray lag = new AtomicLongArray(total);
        AtomicLongArray took = new AtomicLongArray(total);
        AtomicLong firstMeasuredStart = new AtomicLong();
        AtomicLong lastEnd = new AtomicLong();
        AtomicInteger failed = new AtomicInteger();
        List<String> failures = new ArrayList<>();
        long t0 = System.nanoTime() + 20_000_000; // all threads up before the first write is due
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().name("bench-writer-" + t).start(() -> {
                for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                    long due = t0 + i * period;
                    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) LockSupport.parkNanos(wait);
                    long start = System.nanoTime();
                    log.started(i, start);
                    try {
                        write.run(i);
                    } catch (Exception | AssertionError e) {
                        failed.incrementAndGet();
                        synchronized (failures) {
                            if (failures.size() < KEPT_FAILURES) failures.add("write " + i + ": " + e);
                        }
                    }
                    long end = System.nanoTime();
                    lag.set(i, start - due);
                    took.set(i, end - start);
                    if (i == warmup) firstMeasuredStart.set(start);
                    lastEnd.accumulateAndGet(end, Math::max);
                }
            }));
        }
        for (Thread w : workers) w.join();
        int measured = total - warmup;
        double[] lags = new double[measured];
        double[] durations = new double[measured];
        for (int i = warmup; i < total; i++) {
            lags[i - warmup] = lag.get(i) / 1e6;
            durations[i - warmup] = took.get(i) / 1e6;
        }
        double seconds = (lastEnd.get() - firstMeasuredStart.get()) / 1e9;
        synchronized (failures) {
            return new Result(measured / seconds, Stats.of(lags), Stats.of(durations), failed.get(), List.copyOf(failures));
        }
    }
}
