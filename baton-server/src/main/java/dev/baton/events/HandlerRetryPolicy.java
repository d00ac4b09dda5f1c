package dev.baton.events;

import java.time.Duration;

/**
 * How a failing event handler is tried again (seed 001 §8.1): {@code retries} more times
 * (EVENT_RETRY_MAX_ATTEMPTS), {@code delay} apart (EVENT_RETRY_DELAY_MS). After the last one the event is
 * dead-lettered for that handler. {@code retries = 0}: one attempt only.
 */
public record HandlerRetryPolicy(int retries, Duration delay) {
    public static final HandlerRetryPolicy NONE = new HandlerRetryPolicy(0, Duration.ZERO);

    public HandlerRetryPolicy {
        if (retries < 0) throw new IllegalArgumentException("retries must be 0 or more, was " + retries);
        if (delay == null || delay.isNegative()) throw new IllegalArgumentException("delay must be 0 or more, was " + delay);
    }

    /** Attempts in all, the first included. */
    public int attempts() {
        return retries + 1;
    }
}
