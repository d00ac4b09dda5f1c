package dev.baton.worker;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reconnect delays: exponential from 100 ms up to a cap, each drawn at random from the upper half of the
 * current step, so that a fleet of workers cut off together does not reconnect in lockstep.
 */
final class Backoff {
    static final Duration INITIAL = Duration.ofMillis(100);

    private final long capMillis;
    private long stepMillis = INITIAL.toMillis();

    Backoff(Duration cap) {
        this.capMillis = Math.max(INITIAL.toMillis(), cap.toMillis());
    }

    /** The next delay; each call doubles the step until the cap. */
    Duration next() {
        long step = stepMillis;
        stepMillis = Math.min(capMillis, stepMillis * 2);
        long half = step / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(step - half + 1));
    }

    /** After a connection that registered: start again from 100 ms. */
    void reset() {
        stepMillis = INITIAL.toMillis();
    }
}
