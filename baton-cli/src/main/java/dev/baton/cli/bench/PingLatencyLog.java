package dev.baton.cli.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When each write of one ping bench phase started and when each subscriber heard about it.
 *
 * <p>The schedule is fixed: write {@code i} goes to file {@code i % files} and is that file's
 * {@code k = i / files}-th write, which makes its version {@link #versionOf}. A subscriber's ping for a file
 * answers every earlier write of that file the subscriber has not heard of yet: with a version, the writes up to
 * that version; without one (the baseline's pings carry none), the writes that had started when it arrived. So
 * a watcher that folds two writes into one ping answers both, each with its own latency. Files are written
 * round-robin, each about once per {@code files / rate} seconds, so a ping is ambiguous only when a latency
 * exceeds that; {@link #overlaps} counts the writes that started while the previous write of their file was
 * still unheard by some subscriber.
 *
 * <p>Each subscriber's row is written only from its own delivery thread (jnats and the in-process bus deliver
 * one subscription's pings in order on one thread); the main thread reads after {@link #delivered()} (a
 * volatile read per row) shows everything arrived, or after the wait ran out.
 */
final class PingLatencyLog {
    static final long INITIAL_VERSION = 1;

    private final int files;
    private final int total;
    private final int warmup;
    private final AtomicLongArray starts;
    private final AtomicLongArray published;
    private final AtomicIntegerArray heardBy;
    private final long[][] latency;
    private final long[][] fromPublish;
    private final int[][] cursor;
    private final Row[] rows;
    private final AtomicLong overlaps = new AtomicLong();

    /** Per subscriber: only its delivery thread writes; {@code delivered} publishes the row to readers. */
    private static final class Row {
        volatile int delivered;
        volatile int stray;
    }

    PingLatencyLog(int files, int totalWrites, int warmup, int subscribers) {
        this.files = files;
        this.total = totalWrites;
        this.warmup = warmup;
        this.starts = new AtomicLongArray(totalWrites);
        this.published = new AtomicLongArray(totalWrites);
        this.heardBy = new AtomicIntegerArray(totalWrites);
        this.latency = new long[subscribers][totalWrites];
        this.fromPublish = new long[subscribers][totalWrites];
        this.cursor = new int[subscribers][files];
        this.rows = new Row[subscribers];
        for (int s = 0; s < subscribers; s++) {
            Arrays.fill(latency[s], -1);
            Arrays.fill(fromPublish[s], -1);
            rows[s] = new Row();
        }
    }

    int fileOf(int write) {
        return write % files;
    }

    /** The version the {@code write}-th write gives its file: each file starts at {@link #INITIAL_VERSION}. */
    long versionOf(int write) {
        return INITIAL_VERSION + write / files + 1;
    }

    int totalWrites() {
        return total;
    }

    /** Called by the writer just before it starts writing. */
    void started(int write, long nanos) {
        starts.set(write, nanos);
        int previous = write - files;
        if (previous >= 0 && heardBy.get(previous) < rows.length) overlaps.incrementAndGet();
    }

    /** Called by Baton's publisher just before it publishes the ping of {@code version} (the baseline publishes in Node.js). */
    void publishing(int file, long version, long nanos) {
        long k = version - INITIAL_VERSION - 1;
        if (k < 0 || k * files + file >= total) return;
        published.compareAndSet((int) (k * files + file), 0, nanos);
    }

    /** Called on subscriber {@code s}'s delivery thread; {@code version} null for pings that carry none. */
    void heard(int s, int file, Long version, long nanos) {
        int k = cursor[s][file];
        int answered = 0;
        for (int i = k * files + file; i < total; i += files, k++) {
            long start = starts.get(i);
            if (start == 0) break;
            if (version != null ? versionOf(i) > version : start > nanos) break;
            latency[s][i] = nanos - start;
            long sent = published.get(i);
            if (version != null && versionOf(i) == version && sent != 0) fromPublish[s][i] = nanos - sent;
            heardBy.incrementAndGet(i);
            answered++;
        }
        cursor[s][file] = k;
        Row row = rows[s];
        if (answered == 0) row.stray++;
        else row.delivered += answered;
    }

    /** Deliveries so far, over all subscribers (each write counts once per subscriber). */
    long delivered() {
        long n = 0;
        for (Row r : rows) n += r.delivered;
        return n;
    }

    long expected() {
        return (long) total * rows.length;
    }

    /** Pings that answered no write: the initial listing of a watcher, or a repeat of a content already announced. */
    long stray() {
        long n = 0;
        for (Row r : rows) n += r.stray;
        return n;
    }

    long overlaps() {
        return overlaps.get();
    }

    /** The figures of the measured writes (after the warm-up), in milliseconds. */
    Result result() {
        delivered(); // the volatile reads that make the rows visible
        int measured = total - warmup;
        double[] all = new double[measured * rows.length];
        double[] first = new double[measured];
        double[] last = new double[measured];
        double[] bus = new double[measured * rows.length];
        int b = 0;
        int n = 0;
        int complete = 0;
        long missing = 0;
        for (int i = warmup; i < total; i++) {
            long min = Long.MAX_VALUE;
            long max = -1;
            boolean everyone = true;
            for (int s = 0; s < rows.length; s++) {
                if (fromPublish[s][i] >= 0) bus[b++] = fromPublish[s][i] / 1e6;
                long l = latency[s][i];
                if (l < 0) {
                    everyone = false;
                    missing++;
                    continue;
                }
                all[n++] = l / 1e6;
                min = Math.min(min, l);
                max = Math.max(max, l);
            }
            if (everyone) {
                first[complete] = min / 1e6;
                last[complete] = max / 1e6;
                complete++;
            }
        }
        return new Result(measured, Stats.of(Arrays.copyOf(all, n)), Stats.of(Arrays.copyOf(first, complete)),
                Stats.of(Arrays.copyOf(last, complete)), Stats.of(Arrays.copyOf(bus, b)), missing, stray(), overlaps());
    }

    /**
     * @param anySubscriber   every (write, subscriber) delivery
     * @param firstSubscriber per write, the first subscriber to hear of it
     * @param lastSubscriber  per write, the last one: when every subscriber knew (writes some never heard of are left out)
     * @param fromPublish     every delivery of a ping Baton published for exactly that write, from the publish call: the bus's share
     * @param missing         (write, subscriber) deliveries that never came
     */
    record Result(int writes, Stats anySubscriber, Stats firstSubscriber, Stats lastSubscriber, Stats fromPublish, long missing,
                  long stray, long overlaps) {
    }
}
