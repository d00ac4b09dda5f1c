package dev.baton.logs.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The log store's meters; counted once per group, not per line. */
final class LogStoreMetrics {
    private final Counter lines;
    private final Counter bytes;
    private final Counter duplicates;
    private final Counter segmentsDeleted;
    private final Counter holes;
    private final Counter holeLines;
    private final Timer fsync;

    LogStoreMetrics(MeterRegistry meters, Supplier<Number> queueBytes, Supplier<Number> subscribers) {
        lines = Counter.builder("log.store.lines.appended").description("Log lines durably stored").register(meters);
        bytes = Counter.builder("log.store.bytes.appended").baseUnit("bytes").description("Encoded bytes of stored log lines").register(meters);
        duplicates = Counter.builder("log.store.duplicates.skipped")
                .description("Log lines skipped because their (worker, stream, sequence) was already stored").register(meters);
        segmentsDeleted = Counter.builder("log.store.segments.deleted").description("Log segments deleted by retention").register(meters);
        holes = Counter.builder("log.store.gap.records").tag("origin", "server")
                .description("Gap records the store wrote for holes in a worker stream's sequences (lines lost on the worker)").register(meters);
        holeLines = Counter.builder("log.store.gap.lines").tag("origin", "server")
                .description("Lines in holes of worker streams' sequences: numbered by a worker, never arrived").register(meters);
        fsync = Timer.builder("log.store.fsync.duration").description("Time to fsync one group commit of the log store").register(meters);
        Gauge.builder("log.store.queue.bytes", queueBytes).baseUnit("bytes").description("Bytes of log batches waiting for the writer").register(meters);
        Gauge.builder("log.store.live.subscribers", subscribers).description("Live followers of logs (SSE, baton logs -f)").register(meters);
    }

    void stored(long lineCount, long byteCount, long duplicateCount) {
        if (lineCount > 0) lines.increment(lineCount);
        if (byteCount > 0) bytes.increment(byteCount);
        if (duplicateCount > 0) duplicates.increment(duplicateCount);
    }

    void holes(long records, long lines) {
        if (records > 0) holes.increment(records);
        if (lines > 0) holeLines.increment(lines);
    }

    void fsync(long nanos) {
        fsync.record(nanos, TimeUnit.NANOSECONDS);
    }

    void segmentsDeleted(int n) {
        if (n > 0) segmentsDeleted.increment(n);
    }
}
