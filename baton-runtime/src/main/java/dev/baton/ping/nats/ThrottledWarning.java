package dev.baton.ping.nats;

import org.slf4j.Logger;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A WARN that repeats at most once per interval: a NATS server that stays down fails every retry and every
 * publish, and one line per interval says as much as a thousand.
 */
final class ThrottledWarning {
    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong nextAllowed = new AtomicLong(System.nanoTime());
    private final AtomicLong suppressed = new AtomicLong();

    ThrottledWarning(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    /** {@code args} fill the message's {@code {}}; pass an exception as its {@code toString()}, not as the last argument. */
    void warn(String message, Object... args) {
        long now = System.nanoTime();
        long next = nextAllowed.get();
        if (now - next < 0 || !nextAllowed.compareAndSet(next, now + intervalNanos)) {
            suppressed.incrementAndGet();
            log.debug(message, args);
            return;
        }
        long skipped = suppressed.getAndSet(0);
        if (skipped == 0) {
            log.warn(message, args);
        } else {
            Object[] withCount = Arrays.copyOf(args, args.length + 1);
            withCount[args.length] = skipped;
            log.warn(message + " ({} similar warnings since the last one)", withCount);
        }
    }
}
