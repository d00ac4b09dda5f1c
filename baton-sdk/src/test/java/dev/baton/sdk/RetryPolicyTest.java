package dev.baton.sdk;

import dev.baton.shared.BatonException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {

    @Test
    void theDefaultsAreSeed000sFiveTriesWaitingOneTwoFourEightSeconds() {
        RetryPolicy p = RetryPolicy.defaults();

        assertThat(p).isEqualTo(new RetryPolicy(5, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(60)));
        assertThat(p.delays()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8));
    }

    @Test
    void delaysGrowByTheMultiplierUntilTheCap() {
        RetryPolicy p = new RetryPolicy(10, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(60));

        assertThat(p.delays()).extracting(Duration::toSeconds).containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L, 60L);
        assertThat(p.delayAfter(1_000)).as("no overflow far past the cap").isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void aTransientFailureIsRetriedUntilItPasses() {
        RetryPolicy p = new RetryPolicy(5, Duration.ofMillis(1), 2.0, Duration.ofMillis(4));
        AtomicInteger calls = new AtomicInteger();
        List<Duration> waits = new ArrayList<>();

        String result = p.call(() -> {
            if (calls.incrementAndGet() < 3) throw new BatonException.Transient("spec.locked", "locked #" + calls.get(), null);
            return "done";
        }, (failed, wait, failure) -> waits.add(wait));

        assertThat(result).isEqualTo("done");
        assertThat(calls).hasValue(3);
        assertThat(waits).containsExactly(Duration.ofMillis(1), Duration.ofMillis(2));
    }

    @Test
    void afterMaxTriesTheLastFailureIsThrownWithTheEarlierOnesSuppressed() {
        RetryPolicy p = new RetryPolicy(4, Duration.ofMillis(1), 2.0, Duration.ofMillis(2));
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> p.call(() -> {
            throw new BatonException.Transient("spec.io", "failure #" + calls.incrementAndGet(), null);
        })).isInstanceOfSatisfying(BatonException.Transient.class, e -> {
            assertThat(e.getMessage()).isEqualTo("failure #4");
            assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("failure #1", "failure #2", "failure #3");
        });
        assertThat(calls).hasValue(4);
    }

    @Test
    void otherFailuresAreNotRetried() {
        RetryPolicy p = new RetryPolicy(5, Duration.ofMillis(1), 2.0, Duration.ofMillis(2));
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> p.call(() -> {
            calls.incrementAndGet();
            throw new BatonException.Conflict("spec.conflict", "theirs: a, yours: b");
        })).isInstanceOf(BatonException.Conflict.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void nonsenseSettingsAreRefused() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofSeconds(1), 2, Duration.ofSeconds(1))).isInstanceOf(BatonException.Invalid.class);
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(1), 0.5, Duration.ofSeconds(1))).isInstanceOf(BatonException.Invalid.class);
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(2), 2, Duration.ofSeconds(1))).isInstanceOf(BatonException.Invalid.class);
    }
}
