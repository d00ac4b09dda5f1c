package dev.baton.worker.logs;

/**
 * Bounds of a {@link LogSpool}.
 *
 * @param memoryCapBytes bytes of entries held in memory (its own accounting: serialized size plus a fixed
 *                       per-entry overhead) before the oldest ones are spilled to disk
 * @param diskCapBytes   bytes of spill files before the oldest unsent entries are dropped (and a gap recorded)
 * @param segmentBytes   size at which a spill file is closed and the next one started; fully acknowledged
 *                       files are deleted, so smaller files free disk sooner. Clamped to an eighth of the disk
 *                       cap, so dropping the oldest file never throws away most of the backlog at once.
 */
public record SpoolSettings(long memoryCapBytes, long diskCapBytes, long segmentBytes) {

    public static final long DEFAULT_MEMORY_CAP_BYTES = 8L * 1024 * 1024;
    public static final long DEFAULT_DISK_CAP_BYTES = 1024L * 1024 * 1024;
    public static final long DEFAULT_SEGMENT_BYTES = 16L * 1024 * 1024;
    private static final long MIN_SEGMENT_BYTES = 4 * 1024;

    public SpoolSettings {
        if (memoryCapBytes < 1024) {
            throw new IllegalArgumentException("log spool memory cap must be at least 1024 bytes, got " + memoryCapBytes);
        }
        if (diskCapBytes < 8 * MIN_SEGMENT_BYTES) {
            throw new IllegalArgumentException("log spool disk cap must be at least " + 8 * MIN_SEGMENT_BYTES + " bytes, got " + diskCapBytes);
        }
        if (segmentBytes <= 0) {
            throw new IllegalArgumentException("log spool segment size must be positive, got " + segmentBytes);
        }
        segmentBytes = Math.max(MIN_SEGMENT_BYTES, Math.min(segmentBytes, diskCapBytes / 8));
    }

    /** 8 MiB in memory, 1 GiB on disk, 16 MiB spill files. */
    public static SpoolSettings defaults() {
        return new SpoolSettings(DEFAULT_MEMORY_CAP_BYTES, DEFAULT_DISK_CAP_BYTES, DEFAULT_SEGMENT_BYTES);
    }

    public SpoolSettings withMemoryCap(long bytes) {
        return new SpoolSettings(bytes, diskCapBytes, segmentBytes);
    }

    public SpoolSettings withDiskCap(long bytes, long segment) {
        return new SpoolSettings(memoryCapBytes, bytes, segment);
    }
}
