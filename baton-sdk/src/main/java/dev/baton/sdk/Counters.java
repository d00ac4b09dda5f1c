package dev.baton.sdk;

import java.util.concurrent.atomic.LongAdder;

/** The client's counters, bumped from its several threads. */
final class Counters {
    final LongAdder delivered = new LongAdder();
    final LongAdder handlerFailures = new LongAdder();
    final LongAdder pingsReceived = new LongAdder();
    final LongAdder pingsSkipped = new LongAdder();
    final LongAdder fileEvents = new LongAdder();
    final LongAdder specReads = new LongAdder();
    final LongAdder updates = new LongAdder();
    final LongAdder unchanged = new LongAdder();
    final LongAdder transientRetries = new LongAdder();
    final LongAdder conflicts = new LongAdder();
    final LongAdder conflictRetries = new LongAdder();
    final LongAdder submissions = new LongAdder();
    final LongAdder pingsPublished = new LongAdder();

    ClientStats snapshot(long cacheHits) {
        return new ClientStats(delivered.sum(), handlerFailures.sum(), pingsReceived.sum(), pingsSkipped.sum(), fileEvents.sum(),
                specReads.sum(), cacheHits, updates.sum(), unchanged.sum(), transientRetries.sum(), conflicts.sum(),
                conflictRetries.sum(), submissions.sum(), pingsPublished.sum());
    }
}
