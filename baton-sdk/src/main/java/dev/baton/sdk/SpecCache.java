package dev.baton.sdk;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Recently read specs (seed 000 §4.2): an agent that looks at the same spec again within the TTL is answered
 * from memory. Pings and file events invalidate a spec at once, so the TTL only bounds how stale a view can be
 * when both were lost.
 */
final class SpecCache {
    private record Entry(SpecView view, Instant expiresAt) {
    }

    private final Duration ttl;
    private final Clock clock;
    private final Function<String, SpecView> loader;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    /** Raised by every invalidation; a load that saw another number began before the change and must not be kept. */
    private final ConcurrentHashMap<String, Long> epochs = new ConcurrentHashMap<>();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /** @param loader reads a spec from disk; may throw, and then nothing is cached */
    SpecCache(Duration ttl, Clock clock, Function<String, SpecView> loader) {
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.loader = Objects.requireNonNull(loader, "loader");
    }

    SpecView get(String specId) {
        Entry e = entries.get(specId);
        if (e != null && clock.instant().isBefore(e.expiresAt())) {
            hits.increment();
            return e.view();
        }
        misses.increment();
        long epoch = epochs.getOrDefault(specId, 0L);
        SpecView view = loader.apply(specId);
        if (ttl.isZero()) return view;
        Instant expiresAt = clock.instant().plus(ttl);
        // Under the key's lock, like invalidate: an invalidation is either before (epoch differs) or after the put.
        entries.compute(specId, (id, old) -> epochs.getOrDefault(id, 0L) == epoch ? new Entry(view, expiresAt) : old);
        return view;
    }

    void invalidate(String specId) {
        entries.compute(specId, (id, old) -> {
            epochs.merge(id, 1L, Long::sum);
            return null;
        });
    }

    long hits() {
        return hits.sum();
    }

    long misses() {
        return misses.sum();
    }
}
