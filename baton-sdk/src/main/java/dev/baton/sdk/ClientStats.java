package dev.baton.sdk;

/**
 * What one client did since it connected; plain numbers for an agent's own logs or metrics.
 *
 * @param delivered        spec views handed to subscribers (one per subscriber)
 * @param handlerFailures  handler calls that threw
 * @param pingsReceived    {@code spec.changed} / {@code spec.completed} pings heard
 * @param pingsSkipped     pings not read because every subscriber was past their version already
 * @param fileEvents       changes reported by the local watcher and poller
 * @param specReads        spec files read from disk for delivery or by {@link BatonAgentClient#read} on a cache miss
 * @param cacheHits        {@link BatonAgentClient#read} answered from the cache
 * @param updates          writes of this client that changed a spec (each raised its version by one)
 * @param unchanged        updates with nothing left to change (the file said so already)
 * @param transientRetries tries repeated after a locked file or an I/O failure
 * @param conflicts        updates refused because another writer changed the same field
 * @param conflictRetries  updates tried again with fresh values after a conflict that did not concern them
 * @param submissions      diffs submitted
 * @param pingsPublished   {@code spec.changed} pings sent after this client's own writes
 */
public record ClientStats(long delivered, long handlerFailures, long pingsReceived, long pingsSkipped, long fileEvents, long specReads,
                          long cacheHits, long updates, long unchanged, long transientRetries, long conflicts, long conflictRetries,
                          long submissions, long pingsPublished) {
}
