package dev.baton.worker.logs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The spool's meters: what came in, what went out, what is held where, and what had to be dropped. */
final class SpoolMetrics {
    final Counter appended;
    final Counter acked;
    final Counter bytesSpilled;
    final Counter droppedLines;
    final Counter droppedBytes;
    final Counter uncleanStops;

    SpoolMetrics(MeterRegistry meters, LogSpool spool) {
        appended = Counter.builder("worker.logs.lines.appended").description("Agent output lines put into the log spool").register(meters);
        acked = Counter.builder("worker.logs.lines.acked").description("Log entries the server acknowledged as stored").register(meters);
        bytesSpilled = Counter.builder("worker.logs.bytes.spilled").baseUnit("bytes").description("Bytes written to the spool's spill files").register(meters);
        droppedLines = Counter.builder("worker.logs.dropped.lines").description("Lines dropped because the spool was full (each run recorded as a gap entry)").register(meters);
        droppedBytes = Counter.builder("worker.logs.dropped.bytes").baseUnit("bytes").description("Bytes of dropped lines").register(meters);
        uncleanStops = Counter.builder("worker.logs.spool.unclean.stops")
                .description("Spool opens that found the earlier run killed (lines only in its memory lost; the server records them as a gap)").register(meters);
        Gauge.builder("worker.logs.spool.memory.bytes", spool, LogSpool::memoryBytes).strongReference(true).baseUnit("bytes")
                .description("Bytes of log entries held in memory").register(meters);
        Gauge.builder("worker.logs.spool.disk.bytes", spool, LogSpool::diskBytes).strongReference(true).baseUnit("bytes")
                .description("Bytes of log entries in spill files").register(meters);
        Gauge.builder("worker.logs.unacked.lines", spool, LogSpool::unackedLines).strongReference(true)
                .description("Log entries appended but not yet acknowledged by the server").register(meters);
    }
}
