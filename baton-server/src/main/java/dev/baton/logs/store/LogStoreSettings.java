package dev.baton.logs.store;

import java.time.Duration;

/**
 * @param segmentBytes        a segment is sealed and a new one started once it reaches this size
 * @param retention           whole sealed segments last written longer ago than this are deleted
 * @param retentionInterval   how often retention runs (it also runs once at open)
 * @param queueBytes          bound of the batches waiting for the writer; a full queue makes appenders wait
 * @param subscriberQueue     lines a live subscriber may lag behind before it reads from storage instead
 * @param checkpointInterval  the checkpoint is rewritten after a group at most this often (and at close)
 */
public record LogStoreSettings(long segmentBytes, Duration retention, Duration retentionInterval, long queueBytes, int subscriberQueue,
                               Duration checkpointInterval) {

    public LogStoreSettings {
        if (segmentBytes < 4096) throw new IllegalArgumentException("segment size must be at least 4096 bytes, was " + segmentBytes);
        if (retention.isNegative() || retention.isZero()) throw new IllegalArgumentException("log retention must be positive, was " + retention);
        if (queueBytes < 1024) throw new IllegalArgumentException("log queue must be at least 1024 bytes, was " + queueBytes);
        if (subscriberQueue < 1) throw new IllegalArgumentException("subscriber queue must hold at least one line");
    }

    public static LogStoreSettings defaults() {
        return new LogStoreSettings(64L << 20, Duration.ofDays(30), Duration.ofHours(1), 64L << 20, 10_000, Duration.ofMillis(200));
    }

    public LogStoreSettings withSegmentBytes(long bytes) {
        return new LogStoreSettings(bytes, retention, retentionInterval, queueBytes, subscriberQueue, checkpointInterval);
    }

    public LogStoreSettings withRetention(Duration r) {
        return new LogStoreSettings(segmentBytes, r, retentionInterval, queueBytes, subscriberQueue, checkpointInterval);
    }

    public LogStoreSettings withQueueBytes(long bytes) {
        return new LogStoreSettings(segmentBytes, retention, retentionInterval, bytes, subscriberQueue, checkpointInterval);
    }

    public LogStoreSettings withSubscriberQueue(int lines) {
        return new LogStoreSettings(segmentBytes, retention, retentionInterval, queueBytes, lines, checkpointInterval);
    }
}
