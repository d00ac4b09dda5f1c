package dev.baton.logs.store;

import java.util.List;

/**
 * Lines of one worker stream, with ascending sequences. Lines at or below the stream's stored high-water
 * mark are skipped: a replay after a reconnect is stored once.
 */
public record AppendBatch(String workerId, String streamId, List<NewLine> lines) {
    /** Rough heap footprint, for the queue's byte bound. */
    long estimatedBytes() {
        long n = 64;
        for (NewLine l : lines) n += 96 + l.message().utf8Length();
        return n;
    }

    long lastSequence() {
        return lines.isEmpty() ? 0 : lines.getLast().sequence();
    }
}
