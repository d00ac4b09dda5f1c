package dev.baton.worker.logs;

import dev.baton.agent.AgentStart;
import dev.baton.grpc.v1.Gap;
import dev.baton.grpc.v1.LogEntry;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The worker's log spool: every agent line gets its stream sequence and timestamp here, then waits in a
 * bounded memory buffer until the server acknowledges it. When memory is full the oldest entries move to spill
 * files on disk; when the disk cap is reached the oldest entries not yet sent are dropped and replaced by one
 * gap entry, so a loss is always explicit. Order is always: spill files (oldest), then memory.
 *
 * <p>Survives a restart: the stream id and the spill files stay in the directory, and {@link #close()} moves
 * what is in memory to disk, so a worker restarted on the same directory resends everything not acknowledged.
 * A crash loses only the entries that were in memory (at most the memory cap); after a kill the numbering goes
 * on right after the last line numbered ({@link NumberingMark}), so the server sees exactly which are missing.
 *
 * <p>{@link #line} appends to memory or to the current spill file (buffered) under the spool's lock and
 * never waits for the network.
 */
public final class LogSpool implements AgentLogSink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogSpool.class);
    /**
     * Beyond the serialized bytes: the array's header and padding, and the ring's slot and sequence (times two:
     * the ring doubles when it grows).
     */
    static final long ENTRY_OVERHEAD_BYTES = 48;
    private static final byte[] NO_BYTES = new byte[0];
    private static final Duration DROP_WARNING_INTERVAL = Duration.ofSeconds(30);

    private final SpoolDirectory dir;
    private final SpoolSettings settings;
    private final Clock clock;
    private final String streamId;
    private final SpoolMetrics metrics;
    private final NumberingMark mark;
    /** The earlier run on this directory was killed (its numbering mark is behind its reservation). */
    private boolean uncleanStop;

    private final List<SpoolSegment> segments = new ArrayList<>();
    private final EntryRing memory = new EntryRing();
    private final SpoolBatch.Builder batch = new SpoolBatch.Builder();
    private SpoolSegment writeSegment;
    private SegmentCursor cursor;
    private long lastSequence;
    private long reservedSequence;
    private long ackedSequence;
    /** Highest sequence ever handed to a sender: entries at or below it may be stored, so are never dropped. */
    private long maxSent;
    /** Newest lines that found no room at all (memory full, disk failing): recorded as a gap at the next chance. */
    private LogEntry pendingGap;
    private volatile long memoryBytes;
    private volatile long diskBytes;
    private long peakMemoryBytes;
    private Instant lastDropWarning = Instant.EPOCH;
    private boolean closed;
    private volatile Runnable appendListener = () -> { };

    private LogSpool(SpoolDirectory dir, SpoolSettings settings, MeterRegistry meters, Clock clock) {
        this.dir = dir;
        this.settings = settings;
        this.clock = clock;
        this.streamId = dir.streamId();
        restore();
        this.metrics = new SpoolMetrics(meters, this);
        if (uncleanStop) metrics.uncleanStops.increment();
        this.mark = openMark();
    }

    private NumberingMark openMark() {
        try {
            return dir.numberingMark(lastSequence);
        } catch (IOException | RuntimeException e) {
            log.warn("cannot keep the numbering mark in {} (a restart after a kill continues after the reservation instead): {}", dir.path(), e.toString());
            try {
                dir.forgetNumberingMark();
            } catch (IOException again) {
                log.error("cannot remove the stale numbering mark in {}: a restart after a kill may reuse sequences: {}", dir.path(), again.toString());
            }
            return NumberingMark.none();
        }
    }

    /**
     * Opens (or creates) the spool in {@code dir}, picking up the stream id and the spill files of an earlier run.
     *
     * @throws IllegalStateException when another worker uses the directory
     */
    public static LogSpool open(Path dir, SpoolSettings settings, MeterRegistry meters, Clock clock) {
        SpoolDirectory directory = SpoolDirectory.open(dir);
        try {
            return new LogSpool(directory, settings, meters, clock);
        } catch (RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    private void restore() {
        long lastOnDisk = 0;
        for (Path file : dir.segmentFiles()) {
            try {
                SpoolSegment segment = SpoolSegment.restore(file);
                if (segment.count == 0) {
                    Files.deleteIfExists(file);
                    continue;
                }
                segments.add(segment);
                diskBytes += segment.bytes;
                lastOnDisk = Math.max(lastOnDisk, segment.lastSequence);
            } catch (IOException | NumberFormatException e) {
                throw new IllegalStateException("cannot read spill file " + file + " of the log spool: " + e.getMessage(), e);
            }
        }
        reservedSequence = dir.reservedSequence();
        OptionalLong numbered = dir.numberedSequence();
        // The exact mark when this boot wrote it: a kill then leaves a hole of exactly the lost lines, which the
        // server records as a gap. Without it, continue after the reservation: a hole maybe wider, never a reused number.
        lastSequence = Math.max(numbered.orElse(reservedSequence), lastOnDisk);
        if (numbered.isPresent() && numbered.getAsLong() != reservedSequence) {
            uncleanStop = true;
            log.warn("log spool {} was not closed (the worker was killed?): stream {} continues after sequence {}, the last one numbered; "
                    + "lines that were only in memory are lost and the server records them as a gap", dir.path(), streamId, lastSequence);
        } else if (numbered.isEmpty() && reservedSequence > 0) {
            log.info("log spool {} has no numbering mark from this boot: stream {} continues after the reserved sequence {}",
                    dir.path(), streamId, lastSequence);
        }
        maxSent = lastOnDisk; // an earlier run may have sent any of them: never drop them unsent-looking
        ackedSequence = segments.isEmpty() ? lastSequence
                : Math.max(segments.getFirst().firstSequence - 1, Math.min(dir.ackedSequence(), lastOnDisk));
        if (!segments.isEmpty()) {
            log.info("log spool {} resumes stream {}: {} spilled entries ({} bytes) from sequence {} await the server",
                    dir.path(), streamId, lastOnDisk - ackedSequence, diskBytes, ackedSequence + 1);
        }
    }

    public String streamId() {
        return streamId;
    }

    @Override
    public void line(String workflowId, String taskId, AgentStart.Source source, String line, boolean partial) {
        Instant now = clock.instant();
        long timestamp = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        // The UTF-8 conversion (most of the encoding work) happens before taking the lock.
        byte[] workflow = utf8(workflowId);
        byte[] task = utf8(taskId);
        byte[] message = utf8(line);
        LogEntry.Source entrySource = source == AgentStart.Source.STDERR ? LogEntry.Source.STDERR : LogEntry.Source.STDOUT;
        synchronized (this) {
            if (closed) {
                metrics.droppedLines.increment();
                log.warn("log line after the spool closed dropped (workflow {}, task {})", workflowId, taskId);
                return;
            }
            long sequence = ++lastSequence;
            reserveUpTo(sequence);
            mark.set(sequence);
            byte[] entry = EntryEncoding.line(sequence, timestamp, workflow, task, entrySource, message, partial);
            if (!storePendingGap() || !store(sequence, entry)) {
                dropNewest(sequence, entry);
            }
        }
        metrics.appended.increment();
        appendListener.run();
    }

    /** Called (outside the lock) after every append: the shipper wakes up to send at once. */
    void onAppend(Runnable listener) {
        this.appendListener = listener;
    }

    /**
     * Entries from {@code fromSequence} on, in order, at most {@code maxEntries} and about {@code maxBytes}
     * (the last entry may cross it), as the bytes of one LogBatch. Marks them sent: from now on they are never
     * dropped.
     */
    synchronized SpoolBatch readBatch(long fromSequence, int maxEntries, long maxBytes) {
        SpoolBatch.Builder out = batch.reset();
        long next = Math.max(fromSequence, ackedSequence + 1);
        for (int i = 0; i < segments.size() && out.entries() < maxEntries && out.entryBytes() < maxBytes; i++) {
            SpoolSegment segment = segments.get(i);
            if (segment.lastSequence < next) continue;
            if (segment.gap) {
                out.add(segment.lastSequence, segment.gapEntry().toByteArray());
                next = segment.lastSequence + 1;
                continue;
            }
            try {
                if (segment == writeSegment) segment.flush();
                if (cursor == null || !cursor.canReach(segment, next)) {
                    closeCursor();
                    cursor = new SegmentCursor(segment);
                }
                while (cursor.hasNext() && out.entries() < maxEntries && out.entryBytes() < maxBytes) {
                    long sequence = cursor.next();
                    if (sequence < next) continue;
                    out.add(sequence, cursor.buffer(), cursor.offset(), cursor.length());
                    next = sequence + 1;
                }
            } catch (IOException e) {
                // A damaged spill file: skip what cannot be read, count it, and go on with the rest.
                long lost = cursor == null ? segment.count : cursor.remaining();
                metrics.droppedLines.increment(lost);
                log.error("cannot read spill file {} of the log spool; {} entries in it are lost: {}", segment.file, lost, e.toString());
                next = segment.lastSequence + 1;
                closeCursor();
            }
        }
        if (!memory.isEmpty() && out.entries() < maxEntries && out.entryBytes() < maxBytes) {
            for (int i = memory.indexOf(next); i < memory.size() && out.entries() < maxEntries && out.entryBytes() < maxBytes; i++) {
                out.add(memory.sequence(i), memory.get(i));
            }
        }
        SpoolBatch read = out.build();
        if (!read.isEmpty()) maxSent = Math.max(maxSent, read.lastSequence());
        return read;
    }

    /** {@link #readBatch} parsed into entries: for tests. */
    List<LogEntry> read(long fromSequence, int maxEntries, long maxBytes) {
        return readBatch(fromSequence, maxEntries, maxBytes).parse();
    }

    /** Releases everything at or below {@code acked}; returns how many entries that freed. */
    long acknowledge(long acked) {
        long released = 0;
        synchronized (this) {
            if (acked <= ackedSequence) return 0;
            if (acked > lastSequence) {
                // The server stored more of this stream than this run numbered (a crash before a reservation
                // was written): continue above it, or the server would drop the next lines as replays.
                log.warn("server acknowledged sequence {} of stream {} but the spool only numbered up to {}; continuing after it",
                        acked, streamId, lastSequence);
                lastSequence = acked;
                reserveUpTo(acked);
                mark.set(acked);
            }
            while (!segments.isEmpty() && segments.getFirst().lastSequence <= acked) {
                SpoolSegment segment = segments.removeFirst();
                released += segment.count;
                diskBytes -= segment.bytes;
                if (cursor != null && cursor.segment == segment) closeCursor();
                if (segment == writeSegment) writeSegment = null;
                deleteQuietly(segment);
            }
            while (!memory.isEmpty() && memory.firstSequence() <= acked) {
                memoryBytes -= memorySize(memory.removeFirst());
                released++;
            }
            ackedSequence = acked;
            storePendingGap(); // room again: the record of the newest drops goes in line
            notifyAll();
        }
        metrics.acked.increment(released);
        return released;
    }

    /** Waits until everything appended before this call is acknowledged; false on timeout. */
    synchronized boolean awaitAcknowledged(Duration timeout) throws InterruptedException {
        storePendingGap();
        long target = lastSequence;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ackedSequence < target) {
            storePendingGap();
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    synchronized long lastSequence() {
        return lastSequence;
    }

    synchronized long ackedSequence() {
        return ackedSequence;
    }

    long memoryBytes() {
        return memoryBytes;
    }

    long diskBytes() {
        return diskBytes;
    }

    synchronized long unackedLines() {
        return lastSequence - ackedSequence;
    }

    /** The most memory the spool ever held by its own accounting (tests check it against the cap). */
    synchronized long peakMemoryBytes() {
        return peakMemoryBytes;
    }

    /**
     * Moves what is in memory to disk and releases the directory: a worker restarted on it resends every entry
     * the server has not acknowledged and continues the numbering without a hole.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        storePendingGap();
        long lost = 0;
        while (!memory.isEmpty()) {
            long sequence = memory.firstSequence();
            byte[] entry = memory.removeFirst();
            memoryBytes -= memorySize(entry);
            if (!spill(sequence, entry)) lost++;
        }
        if (lost > 0) {
            metrics.droppedLines.increment(lost);
            log.error("log spool {} could not keep {} unacknowledged entries on disk at close; they are lost", dir.path(), lost);
        }
        closeCursor();
        try {
            if (writeSegment != null) writeSegment.seal();
            dir.reserve(lastSequence);
            dir.acknowledged(ackedSequence);
        } catch (IOException e) {
            log.warn("log spool {} not closed cleanly (the next start leaves a hole in the numbering): {}", dir.path(), e.toString());
        }
        writeSegment = null;
        mark.close();
        dir.close();
        notifyAll();
    }

    // ---- inside the lock ----

    private static byte[] utf8(String text) {
        return text == null || text.isEmpty() ? NO_BYTES : text.getBytes(StandardCharsets.UTF_8);
    }

    private static long memorySize(byte[] entry) {
        return entry.length + ENTRY_OVERHEAD_BYTES;
    }

    /** Puts an entry into memory, spilling the oldest ones first if it does not fit; false when nothing had room. */
    private boolean store(long sequence, byte[] entry) {
        long size = memorySize(entry);
        while (!memory.isEmpty() && memoryBytes + size > settings.memoryCapBytes()) {
            if (!spill(memory.firstSequence(), memory.first())) break;
            memoryBytes -= memorySize(memory.removeFirst());
        }
        if (memoryBytes + size <= settings.memoryCapBytes()) {
            memory.addLast(sequence, entry);
            memoryBytes += size;
            peakMemoryBytes = Math.max(peakMemoryBytes, memoryBytes);
            return true;
        }
        // Memory cannot take it: straight to disk, but only when that keeps the order (nothing newer in memory).
        return memory.isEmpty() && spill(sequence, entry);
    }

    /** Appends to the current spill file, dropping the oldest unsent files to stay under the cap. */
    private boolean spill(long sequence, byte[] entry) {
        long record = SpoolSegment.recordBytes(entry.length);
        if (!makeRoomOnDisk(record)) return false;
        try {
            if (writeSegment == null || writeSegment.bytes >= settings.segmentBytes()) {
                if (writeSegment != null) writeSegment.seal();
                writeSegment = SpoolSegment.create(dir.path(), sequence);
                segments.add(writeSegment);
            }
            long written = writeSegment.append(sequence, entry);
            diskBytes += written;
            metrics.bytesSpilled.increment(written);
            return true;
        } catch (IOException e) {
            warnDropping("cannot write spill file in " + dir.path() + ": " + e);
            return false;
        }
    }

    private boolean makeRoomOnDisk(long needed) {
        while (diskBytes + needed > settings.diskCapBytes()) {
            int victim = oldestDroppable();
            if (victim < 0) return false;
            dropSegment(victim);
        }
        return true;
    }

    /** The oldest data file none of whose entries was ever sent (those may be stored already: never counted lost). */
    private int oldestDroppable() {
        for (int i = 0; i < segments.size(); i++) {
            SpoolSegment segment = segments.get(i);
            if (segment.gap || segment.firstSequence <= maxSent) continue;
            if (segment == writeSegment) {
                try {
                    writeSegment.seal();
                } catch (IOException e) {
                    // it is deleted next anyway
                }
                writeSegment = null;
            }
            return i;
        }
        return -1;
    }

    private void dropSegment(int index) {
        SpoolSegment dropped = segments.remove(index);
        if (cursor != null && cursor.segment == dropped) closeCursor();
        deleteQuietly(dropped);
        diskBytes -= dropped.bytes;
        recordDrop(dropped.count, dropped.bytes);
        SpoolSegment before = index > 0 ? segments.get(index - 1) : null;
        try {
            if (before != null && before.gap && before.lastSequence > maxSent) {
                // The previous gap was not sent yet: one gap for the whole run of dropped lines.
                long old = before.bytes;
                before.replaceGap(merge(before.gapEntry(), dropped.count, dropped.bytes, dropped.lastSequence));
                diskBytes += before.bytes - old;
            } else {
                SpoolSegment gap = SpoolSegment.gap(dir.path(), dropped.firstSequence,
                        gapEntry(dropped.lastSequence, dropped.count, dropped.bytes));
                segments.add(index, gap);
                diskBytes += gap.bytes;
            }
        } catch (IOException e) {
            // The gap stays in memory (the segment keeps its entry) even when its file could not be written.
            log.error("cannot write the gap record in {}: {}", dir.path(), e.toString());
        }
    }

    /** No room anywhere for the newest line: it becomes part of a pending gap, stored as soon as there is room. */
    private void dropNewest(long sequence, byte[] entry) {
        long bytes = entry.length;
        recordDrop(1, bytes);
        pendingGap = pendingGap == null
                ? gapEntry(sequence, 1, bytes)
                : merge(pendingGap, 1, bytes, sequence);
    }

    /** True when there is no pending gap (any more). */
    private boolean storePendingGap() {
        if (pendingGap == null) return true;
        if (!store(pendingGap.getSequence(), pendingGap.toByteArray())) return false;
        pendingGap = null;
        return true;
    }

    private void recordDrop(long lines, long bytes) {
        metrics.droppedLines.increment(lines);
        metrics.droppedBytes.increment(bytes);
        warnDropping("log spool " + dir.path() + " is full (" + settings.diskCapBytes() + " bytes on disk): dropping the oldest unsent lines, recorded as gaps");
    }

    private void warnDropping(String why) {
        Instant now = clock.instant();
        if (Duration.between(lastDropWarning, now).compareTo(DROP_WARNING_INTERVAL) >= 0) {
            lastDropWarning = now;
            log.warn("{} ({} lines dropped so far)", why, (long) metrics.droppedLines.count());
        }
    }

    private LogEntry gapEntry(long sequence, long lines, long bytes) {
        Instant now = clock.instant();
        return LogEntry.newBuilder()
                .setSequence(sequence)
                .setTimestampUnixNanos(now.getEpochSecond() * 1_000_000_000L + now.getNano())
                .setLevel(LogEntry.Level.WARN)
                .setSource(LogEntry.Source.WORKER)
                .setGap(Gap.newBuilder().setDroppedLines(lines).setDroppedBytes(bytes))
                .build();
    }

    private static LogEntry merge(LogEntry gap, long lines, long bytes, long sequence) {
        return gap.toBuilder()
                .setSequence(sequence)
                .setGap(Gap.newBuilder()
                        .setDroppedLines(gap.getGap().getDroppedLines() + lines)
                        .setDroppedBytes(gap.getGap().getDroppedBytes() + bytes))
                .build();
    }

    private void reserveUpTo(long sequence) {
        if (sequence <= reservedSequence) return;
        long upTo = sequence + SpoolDirectory.RESERVATION_BLOCK;
        try {
            dir.reserve(upTo);
            reservedSequence = upTo;
        } catch (IOException e) {
            // Keep going: only a crash before the next successful reservation could reuse numbers.
            log.warn("cannot write the sequence reservation in {}: {}", dir.path(), e.toString());
            reservedSequence = sequence;
        }
    }

    private void closeCursor() {
        if (cursor != null) {
            cursor.close();
            cursor = null;
        }
    }

    private void deleteQuietly(SpoolSegment segment) {
        try {
            segment.delete();
        } catch (IOException e) {
            // Its entries are released either way; a leftover file is only replayed (and de-duplicated) after a restart.
            log.warn("cannot delete spill file {}: {}", segment.file, e.toString());
        }
    }
}
