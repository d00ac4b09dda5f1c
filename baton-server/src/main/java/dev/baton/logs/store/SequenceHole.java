package dev.baton.logs.store;

import java.util.HashMap;
import java.util.Map;

/**
 * A hole in a worker stream's sequence numbers: lines the worker numbered that never reached the store. A worker
 * numbers every line of a stream once, in order, and resends from the store's high-water mark after a reconnect,
 * so on a live link the next line is always the mark plus one. A worker that had to drop lines sends a gap entry
 * standing for them (its sequence is the last dropped one). Anything else skipped was lost on the worker: lines
 * only in its memory when it was killed. Such a hole becomes a gap record of its own, stored just before the line
 * that revealed it, so a reader sees the loss where it happened instead of nothing.
 */
final class SequenceHole {
    /** Metadata of a hole's gap record: who found it, and the missing sequences, for scripts. */
    static final String ORIGIN = "gap_origin";
    static final String FIRST_SEQUENCE = "gap_first_sequence";
    static final String LAST_SEQUENCE = "gap_last_sequence";

    private SequenceHole() {
    }

    /**
     * The gap record for the sequences between {@code stored} (the stream's highest stored) and {@code next} that
     * nothing accounts for, or null when there are none.
     *
     * @param workflowId the log to record it in: the workflow of the stream's previous line, whose output the lost
     *                   lines most likely continued
     */
    static NewLine before(String workerId, String streamId, long stored, NewLine next, String workflowId) {
        long accountedFor = 1;
        if (next.isGap()) {
            if (next.droppedLines() < 0) return null; // more than 2^63 dropped: the worker accounts for everything
            accountedFor = Math.max(1, next.droppedLines());
        }
        long first = stored + 1;
        long last = next.sequence() - accountedFor;
        if (last < first) return null;
        long count = last - first + 1;
        Map<String, String> metadata = new HashMap<>(next.metadata());
        metadata.put(ORIGIN, "server");
        metadata.put(FIRST_SEQUENCE, Long.toString(first));
        metadata.put(LAST_SEQUENCE, Long.toString(last));
        String message = count + (count == 1 ? " line" : " lines") + " (sequences " + first + ".." + last + " of stream " + streamId
                + ") of worker " + workerId + " never arrived: the worker lost them before sending (it was killed or crashed)";
        // The gap record takes the hole's last sequence: the stream's mark moves past the hole, recovery sees it as stored.
        return new NewLine(last, next.timestampNanos(), "", workflowId, LogLevel.WARN, LogSource.WORKER, message, Map.copyOf(metadata), false,
                count, 0);
    }
}
