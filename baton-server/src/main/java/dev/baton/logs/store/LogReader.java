package dev.baton.logs.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;

/**
 * Range reads over a log's segments: seeks with the sparse index (by offset, and skipping blocks outside the
 * time window), scans only what is left, and never reads past what is durably stored.
 */
final class LogReader {
    private static final int BUFFER = 128 * 1024;

    private LogReader() {
    }

    /** Lines matching {@code q} with offsets in ({@code q.after()}, {@code upTo}], at most {@code q.limit()}. */
    static LogPage read(WorkflowLog log, LogQuery q, long upTo) {
        long end = Math.min(upTo, log.durableEnd);
        List<LogLine> out = new ArrayList<>();
        long examined = q.after();
        if (end <= q.after()) return new LogPage(out, Math.max(q.after(), 0));
        long from = q.fromNanos();
        long to = q.toNanos();
        List<Segment> segments = List.copyOf(log.segments);
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            long nextBase = i + 1 < segments.size() ? segments.get(i + 1).baseOffset : Long.MAX_VALUE;
            if (nextBase - 1 <= examined) continue; // wholly before the range
            if (s.baseOffset > end) break;
            long durable = s.durableLength;
            try (FileChannel ch = s.openForRead()) {
                SegmentReader reader = new SegmentReader(ch, 0, durable, BUFFER);
                RecordDecoder d = new RecordDecoder();
                long scanFrom = s.indexedEnd();
                for (Block b : s.blocksAfter(examined)) {
                    if (b.end() > durable) {
                        scanFrom = b.start();
                        break;
                    }
                    if (b.maxTs() < from || b.minTs() >= to) {
                        examined = Math.max(examined, Math.min(b.lastOffset(), end));
                        if (examined >= end) return new LogPage(out, examined);
                        continue;
                    }
                    reader.seek(b.start());
                    examined = scan(reader, b.end(), d, q, end, examined, out);
                    if (out.size() >= q.limit() || examined >= end) return new LogPage(out, examined);
                }
                reader.seek(scanFrom);
                examined = scan(reader, durable, d, q, end, examined, out);
                if (out.size() >= q.limit() || examined >= end) return new LogPage(out, examined);
            } catch (NoSuchFileException gone) {
                // deleted by retention while we read: its lines are no longer kept
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read log segment " + s.file + ": " + e.getMessage(), e);
            }
        }
        return new LogPage(out, Math.max(examined, end));
    }

    /** Scans records up to byte {@code limit}; returns the last offset examined. */
    private static long scan(SegmentReader reader, long limit, RecordDecoder d, LogQuery q, long end, long examined,
                             List<LogLine> out) throws IOException {
        while (reader.position() < limit && reader.next(d)) {
            long off = d.offset;
            if (off <= examined) continue;
            if (off > end) return examined;
            examined = off;
            if (q.matches(d.timestampNanos, d.level, d.source, d.task)) {
                out.add(d.line());
                if (out.size() >= q.limit()) return examined;
            }
        }
        return examined;
    }
}
