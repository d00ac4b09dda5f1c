package dev.baton.cleanup;

import java.time.Duration;
import java.time.Instant;

/** The one age rule every cleanup shares, so "older than the TTL" means the same everywhere: strictly older. */
final class Ages {
    private Ages() {
    }

    static boolean olderThan(Instant since, Duration age, Instant now) {
        return since != null && since.plus(age).isBefore(now);
    }
}
