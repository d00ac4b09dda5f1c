package dev.baton.sdk;

import dev.baton.shared.BatonException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Exponential backoff for failures that may pass (seed 000 §3.2): a spec file locked by a slow writer, a
 * shared volume that hiccups. Only {@link BatonException.Transient} is retried; a conflict or an invalid
 * request would fail the same way again.
 *
 * @param maxTries   tries in all, the first included
 * @param initial    the wait after the first failure
 * @param multiplier how much each further wait grows
 * @param max        no wait is longer
 */
public record RetryPolicy(int maxTries, Duration initial, double multiplier, Duration max) {

    public RetryPolicy {
        if (maxTries < 1) throw invalid("maxTries must be at least 1, got " + maxTries);
        if (initial == null || initial.isNegative()) throw invalid("initial must be zero or more, got " + initial);
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) throw invalid("multiplier must be a number of at least 1, got " + multiplier);
        if (max == null || max.compareTo(initial) < 0) throw invalid("max must be at least initial (" + initial + "), got " + max);
    }

    /** Seed 000 §3.2: 5 tries, waiting 1 s, 2 s, 4 s, 8 s in between (never more than 60 s). */
    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(60));
    }

    /** The wait after {@code failedTries} failed tries (1 = after the first failure). */
    public Duration delayAfter(int failedTries) {
        if (failedTries < 1) throw new IllegalArgumentException("failedTries must be at least 1, got " + failedTries);
        double nanos = initial.toNanos() * Math.pow(multiplier, failedTries - 1);
        // Compared as doubles: a long would overflow long before the cap is reached with a large multiplier.
        return nanos >= max.toNanos() ? max : Duration.ofNanos((long) nanos);
    }

    /** Every wait a call may make, in order: {@code maxTries - 1} of them. */
    public List<Duration> delays() {
        List<Duration> delays = new ArrayList<>(maxTries - 1);
        for (int failed = 1; failed < maxTries; failed++) delays.add(delayAfter(failed));
        return delays;
    }

    /**
     * Runs {@code action} until it returns, retrying on {@link BatonException.Transient} after the policy's waits.
     *
     * @param onRetry told of each failure that is followed by another try (for logs and counters)
     * @throws BatonException.Transient the last failure once {@code maxTries} tries failed (the earlier ones suppressed)
     */
    public <T> T call(Supplier<T> action, RetryListener onRetry) {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(onRetry, "onRetry");
        List<BatonException.Transient> earlier = new ArrayList<>();
        for (int tryNumber = 1; ; tryNumber++) {
            try {
                return action.get();
            } catch (BatonException.Transient e) {
                if (tryNumber >= maxTries) {
                    for (BatonException.Transient before : earlier) if (before != e) e.addSuppressed(before);
                    throw e;
                }
                earlier.add(e);
                Duration wait = delayAfter(tryNumber);
                onRetry.retrying(tryNumber, wait, e);
                sleep(wait, e);
            }
        }
    }

    public <T> T call(Supplier<T> action) {
        return call(action, (tryNumber, wait, failure) -> { });
    }

    private static void sleep(Duration wait, BatonException.Transient failure) {
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            BatonException.Transient stopped = new BatonException.Transient("sdk.retry-interrupted",
                    "interrupted while waiting to retry after: " + failure.getMessage(), e);
            stopped.addSuppressed(failure);
            throw stopped;
        }
    }

    private static BatonException.Invalid invalid(String message) {
        return new BatonException.Invalid("sdk.retry-invalid", message);
    }

    /** Hears of each failed try that will be retried. */
    @FunctionalInterface
    public interface RetryListener {
        void retrying(int failedTries, Duration wait, BatonException.Transient failure);
    }
}
