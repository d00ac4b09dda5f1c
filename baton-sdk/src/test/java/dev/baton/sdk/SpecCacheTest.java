package dev.baton.sdk;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class SpecCacheTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-02-19T10:30:00Z"));
    private final AtomicInteger loads = new AtomicInteger();
    private final SpecCache cache = new SpecCache(Duration.ofSeconds(30), clock, this::load);

    private SpecView load(String specId) {
        int n = loads.incrementAndGet();
        return new SpecView(specId, Path.of(specId + ".yaml"), n, "sha-" + n, null, List.of(), List.of(), "version: " + n);
    }

    @Test
    void aSpecReadWithinTheTtlComesFromMemory() {
        SpecView first = cache.get("spec-1");
        clock.advance(Duration.ofSeconds(29));

        assertThat(cache.get("spec-1")).isSameAs(first);
        assertThat(loads).hasValue(1);
        assertThat(cache.hits()).isEqualTo(1);
        assertThat(cache.misses()).isEqualTo(1);
    }

    @Test
    void afterTheTtlTheSpecIsReadAgain() {
        cache.get("spec-1");
        clock.advance(Duration.ofSeconds(30));

        assertThat(cache.get("spec-1").version()).isEqualTo(2);
        assertThat(cache.get("spec-1").version()).as("the new read is cached for another TTL").isEqualTo(2);
        assertThat(loads).hasValue(2);
    }

    @Test
    void anInvalidatedSpecIsReadAgainAtOnceAndOtherSpecsStayCached() {
        cache.get("spec-1");
        SpecView other = cache.get("spec-2");

        cache.invalidate("spec-1");

        assertThat(cache.get("spec-1").version()).isEqualTo(3);
        assertThat(cache.get("spec-2")).isSameAs(other);
    }

    @Test
    void aReadThatRacedWithAnInvalidationIsNotKept() {
        AtomicReference<SpecCache> racing = new AtomicReference<>();
        racing.set(new SpecCache(Duration.ofSeconds(30), clock, specId -> {
            SpecView view = load(specId);
            if (loads.get() == 1) racing.get().invalidate(specId); // a change lands while the file is being read
            return view;
        }));

        racing.get().get("spec-1");
        racing.get().get("spec-1");

        assertThat(loads).as("the first read may be stale: read again").hasValue(2);
    }

    @Test
    void aZeroTtlTurnsTheCacheOff() {
        SpecCache off = new SpecCache(Duration.ZERO, clock, this::load);
        off.get("spec-1");
        off.get("spec-1");

        assertThat(loads).hasValue(2);
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
