package dev.baton.logs.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The single writer thread: takes every queued batch at once (a group), encodes all their lines into the
 * logs' buffers, writes each touched log once, fsyncs each touched segment once, then makes the lines
 * visible, checkpoints (at most every checkpointInterval) and acknowledges every batch of the group.
 */
final class LogWriter implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(LogWriter.class);
    /** A log's encoded bytes are written out early past this, so one huge group cannot balloon the buffer. */
    private static final int WRITE_OUT_BYTES = 8 << 20;

    /** Per stream: the highest sequence durably stored, and (writer only) the highest encoded in this group. */
    static final class StreamState {
        volatile long durable;
        long pending;
        /** Writer: the workflow of the stream's last stored line in this run (null: none yet), where a hole is recorded. */
        String lastWorkflow;

        StreamState(long stored) {
            durable = stored;
            pending = stored;
        }
    }

    private final Path root;
    private final LogStoreSettings settings;
    private final Map<String, WorkflowLog> logs;
    private final Map<StreamKey, StreamState> streams;
    private final AppendQueue queue;
    private final LogStoreMetrics metrics;
    private final Clock clock;
    private final Path checkpointFile;
    private final List<WorkflowLog> dirty = new ArrayList<>();
    private final List<StreamState> touched = new ArrayList<>();
    private volatile Throwable failure;
    /** Tests: stop like a killed process, without the final checkpoint. */
    volatile boolean abandoned;
    private long lastCheckpointMillis;
    private boolean checkpointDue;

    LogWriter(Path root, LogStoreSettings settings, Map<String, WorkflowLog> logs, Map<StreamKey, StreamState> streams, AppendQueue queue,
              LogStoreMetrics metrics, Clock clock, Path checkpointFile) {
        this.root = root;
        this.settings = settings;
        this.logs = logs;
        this.streams = streams;
        this.queue = queue;
        this.metrics = metrics;
        this.clock = clock;
        this.checkpointFile = checkpointFile;
    }

    Throwable failure() {
        return failure;
    }

    WorkflowLog logFor(String key) {
        return logs.computeIfAbsent(key, k -> new WorkflowLog(k, root.resolve(k)));
    }

    static String keyOf(String workflowId, String workerId) {
        return workflowId.isEmpty() ? LogStore.WORKER_LOGS + "/" + workerId : workflowId;
    }

    @Override
    public void run() {
        try {
            while (true) {
                List<AppendQueue.Pending> group = queue.takeAll(200);
                if (group.isEmpty()) {
                    if (queue.isClosed()) break;
                    if (checkpointDue) checkpoint(false);
                    continue;
                }
                commit(group);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeFiles();
        }
    }

    private void commit(List<AppendQueue.Pending> group) {
        long released = 0;
        long appended = 0;
        long bytes = 0;
        long duplicates = 0;
        long holes = 0;
        long holeLines = 0;
        try {
            if (failure != null) throw new IOException("the log store stopped after an earlier write failure: " + failure.getMessage(), failure);
            for (AppendQueue.Pending p : group) {
                released += p.bytes();
                AppendBatch b = p.batch();
                StreamState st = streams.computeIfAbsent(new StreamKey(b.workerId(), b.streamId()), k -> new StreamState(0));
                touched.add(st);
                String worker = b.workerId();
                String stream = b.streamId();
                String cachedWorkflow = null;
                WorkflowLog wl = null;
                for (NewLine line : b.lines()) {
                    if (line.sequence() <= st.pending) {
                        duplicates++;
                        continue;
                    }
                    if (line.isGap() && line.workflowId().isEmpty() && st.lastWorkflow != null) {
                        // A worker's gap names no workflow (it stands for the oldest unsent lines, whichever they were):
                        // it goes where the stream left off, so the workflow's readers see the loss, not only the worker log.
                        line = line.inWorkflow(st.lastWorkflow);
                    }
                    String wf = line.workflowId();
                    if (line.sequence() != st.pending + 1) {
                        NewLine hole = SequenceHole.before(worker, stream, st.pending, line, st.lastWorkflow == null ? wf : st.lastWorkflow);
                        if (hole != null) {
                            WorkflowLog holeLog = logFor(keyOf(hole.workflowId(), worker));
                            bytes += append(holeLog, worker, stream, hole);
                            appended++;
                            holes++;
                            holeLines += hole.droppedLines();
                            log.warn("{} (recorded as a gap in log {})", hole.message(), holeLog.key);
                        }
                    }
                    if (wf != cachedWorkflow && !wf.equals(cachedWorkflow)) {
                        wl = logFor(keyOf(wf, worker));
                        cachedWorkflow = wf;
                    }
                    bytes += append(wl, worker, stream, line);
                    st.pending = line.sequence();
                    st.lastWorkflow = wf;
                    appended++;
                }
            }
            for (WorkflowLog wl : dirty) wl.writeOut();
            long t0 = System.nanoTime();
            for (WorkflowLog wl : dirty) wl.force();
            if (!dirty.isEmpty()) metrics.fsync(System.nanoTime() - t0);
            for (WorkflowLog wl : dirty) wl.publish();
            for (StreamState st : touched) st.durable = st.pending;
            metrics.stored(appended, bytes, duplicates);
            metrics.holes(holes, holeLines);
            checkpointDue |= appended > 0;
            if (checkpointDue) checkpoint(false);
            for (AppendQueue.Pending p : group) {
                StreamState st = streams.get(new StreamKey(p.batch().workerId(), p.batch().streamId()));
                try {
                    p.callback().stored(st.durable);
                } catch (RuntimeException e) {
                    log.warn("log append callback failed: {}", e.toString());
                }
            }
        } catch (Throwable e) {
            if (failure == null) log.error("log store write failed; no more lines are accepted until restart: {}", e.toString(), e);
            failure = e;
            for (AppendQueue.Pending p : group) {
                try {
                    p.callback().failed(e);
                } catch (RuntimeException ignored) {
                    // the caller is gone; nothing more to tell
                }
            }
        } finally {
            dirty.clear();
            touched.clear();
            queue.release(released);
        }
    }

    /** Encodes one record at the end of {@code wl} (made writable and part of the group on its first record); returns its bytes. */
    private int append(WorkflowLog wl, String worker, String stream, NewLine line) throws IOException {
        if (!wl.dirty) {
            wl.ensureWritable();
            wl.dirty = true;
            wl.encoder.reset();
            dirty.add(wl);
        }
        if (wl.beforeRecord(settings.segmentBytes())) wl.encoder.reset();
        long start = wl.position();
        long offset = wl.nextOffset;
        int bytes = wl.encoder.encode(offset, worker, stream, line);
        wl.afterRecord(offset, start, line.timestampNanos());
        if (wl.hasSubscribers) wl.live.add(lineOf(offset, worker, line));
        wl.nextOffset = offset + 1;
        if (wl.encoder.size() > WRITE_OUT_BYTES) wl.writeOut();
        return bytes;
    }

    private static LogLine lineOf(long offset, String worker, NewLine l) {
        LogLine.Gap gap = l.isGap() ? new LogLine.Gap(l.droppedLines(), l.droppedBytes()) : null;
        return new LogLine(offset, Records.instant(l.timestampNanos()), worker, l.taskId(), l.workflowId(), l.level(), l.source(),
                l.message().toString(), l.metadata(), l.partial(), gap);
    }

    /** Rewrites the checkpoint when due (or always when {@code force}); a failure only makes the next recovery scan more. */
    void checkpoint(boolean force) {
        long now = clock.millis();
        if (!force && now - lastCheckpointMillis < settings.checkpointInterval().toMillis()) return;
        Map<String, LogCheckpoint.LogState> states = new HashMap<>();
        for (WorkflowLog wl : logs.values()) {
            Segment active = wl.active();
            if (active != null) states.put(wl.key, new LogCheckpoint.LogState(active.baseOffset, active.durableLength, wl.durableEnd + 1));
        }
        Map<StreamKey, Long> marks = new HashMap<>();
        streams.forEach((k, v) -> marks.put(k, v.durable));
        try {
            new LogCheckpoint(states, marks).write(checkpointFile);
            lastCheckpointMillis = now;
            checkpointDue = false;
        } catch (IOException e) {
            log.warn("cannot write log checkpoint {}: {}", checkpointFile, e.toString());
        }
    }

    private void closeFiles() {
        for (WorkflowLog wl : logs.values()) {
            try {
                wl.close();
            } catch (IOException e) {
                log.warn("cannot close log {}: {}", wl.key, e.toString());
            }
        }
        if (failure == null && !abandoned) checkpoint(true);
    }
}
