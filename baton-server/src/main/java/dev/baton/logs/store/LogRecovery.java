package dev.baton.logs.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Opens the logs folder after a clean stop or a crash: trusts what the checkpoint covers, scans the records
 * beyond it (to learn the streams' high-water marks and rebuild the index), and truncates a torn last record.
 */
final class LogRecovery {
    private static final Logger log = LoggerFactory.getLogger(LogRecovery.class);

    final Map<String, WorkflowLog> logs = new HashMap<>();
    final Map<StreamKey, Long> streams = new HashMap<>();
    long scannedRecords;
    long truncatedBytes;
    /** Data ended before the checkpointed length: its high-water marks claim lines that are gone. */
    private boolean shorterThanCheckpoint;

    private LogRecovery() {
    }

    static LogRecovery recover(Path root, Path checkpointFile) throws IOException {
        LogCheckpoint cp = LogCheckpoint.read(checkpointFile).orElseGet(() -> {
            if (Files.exists(checkpointFile)) log.warn("log checkpoint {} is damaged; scanning every segment", checkpointFile);
            return LogCheckpoint.empty();
        });
        LogRecovery r = recover(root, cp);
        if (r.shorterThanCheckpoint) {
            // Lines the checkpoint counted are gone (a file cut below what was fsynced): its marks would make the
            // store skip their replay. Trust only what is on disk.
            log.warn("log data in {} is shorter than its checkpoint; rebuilding every stream's high-water mark from the records", root);
            r = recover(root, LogCheckpoint.empty());
        }
        return r;
    }

    private static LogRecovery recover(Path root, LogCheckpoint cp) throws IOException {
        LogRecovery r = new LogRecovery();
        r.streams.putAll(cp.streams());
        for (Path dir : logDirectories(root)) {
            String key = root.relativize(dir).toString().replace(dir.getFileSystem().getSeparator(), "/");
            r.recoverLog(key, dir, cp.logs().get(key));
        }
        return r;
    }

    private static List<Path> logDirectories(Path root) throws IOException {
        if (!Files.isDirectory(root)) return List.of();
        try (Stream<Path> files = Files.walk(root, 3)) {
            return files.filter(Segment::isSegmentFile).map(Path::getParent).distinct().sorted().toList();
        }
    }

    private void recoverLog(String key, Path dir, LogCheckpoint.LogState state) throws IOException {
        WorkflowLog wl = new WorkflowLog(key, dir);
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Segment::isSegmentFile).sorted(Comparator.comparingLong(Segment::baseOf)).toList();
        }
        long lastOffset = 0;
        for (int i = 0; i < files.size(); i++) {
            Segment seg = new Segment(dir, Segment.baseOf(files.get(i)));
            boolean last = i == files.size() - 1;
            long size = Files.size(seg.file);
            wl.segments.add(seg);
            if (state != null && seg.baseOffset < state.activeBase()) {
                // sealed before the checkpoint: its records and index were fsynced at the roll
                List<Block> blocks = Segment.readIndex(seg.indexFile, size);
                if (!blocks.isEmpty() && blocks.getLast().end() == size) {
                    seg.setBlocks(blocks);
                    seg.durableLength = size;
                    lastOffset = blocks.getLast().lastOffset();
                    continue;
                }
            }
            long trusted = state != null && seg.baseOffset == state.activeBase() ? Math.min(state.activeLength(), size) : 0;
            List<Block> kept = trusted == 0 ? List.of() : Segment.readIndex(seg.indexFile, trusted);
            seg.setBlocks(kept);
            long scanFrom = kept.isEmpty() ? 0 : kept.getLast().end();
            BlockTracker tracker = new BlockTracker(seg, LogStore.BLOCK_BYTES);
            long valid;
            try (FileChannel data = FileChannel.open(seg.file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                 FileChannel index = FileChannel.open(seg.indexFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                index.truncate((long) kept.size() * Block.BYTES);
                index.position(index.size());
                SegmentReader reader = new SegmentReader(data, scanFrom, size, 1 << 20);
                RecordDecoder d = new RecordDecoder();
                long pos = scanFrom;
                while (reader.next(d)) {
                    if ((d.flags & Records.RESET) != 0) tracker.resetRecordAt(pos, index);
                    tracker.record(d.offset, pos, d.timestampNanos);
                    streams.merge(new StreamKey(d.worker, d.stream), d.sequence, Math::max);
                    lastOffset = d.offset;
                    scannedRecords++;
                    pos = reader.position();
                }
                valid = reader.position();
                if (valid < size) {
                    log.warn("log segment {}: torn or corrupt record at byte {} of {}; truncating to the last whole record", seg.file, valid, size);
                    truncatedBytes += size - valid;
                    if (state != null && seg.baseOffset == state.activeBase() && valid < state.activeLength()) shorterThanCheckpoint = true;
                    data.truncate(valid);
                    data.force(true);
                }
                if (!last) {
                    tracker.close(valid, index);
                    tracker.flush(index);
                    index.force(true);
                } else {
                    tracker.flush(index);
                }
            }
            seg.durableLength = valid;
            if (last) {
                if (lastOffset == 0 && kept.isEmpty() && valid == 0) lastOffset = seg.baseOffset - 1;
                else if (valid == scanFrom && !kept.isEmpty()) lastOffset = kept.getLast().lastOffset();
                wl.resume(valid, tracker, lastOffset);
            }
        }
        if (state != null && state.nextOffset() - 1 > wl.nextOffset - 1) {
            shorterThanCheckpoint = true;
            log.warn("log {}: the checkpoint knew offsets up to {} but only {} are on disk", key, state.nextOffset() - 1, wl.nextOffset - 1);
        }
        logs.put(key, wl);
    }
}
