package dev.baton.logs.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.function.Supplier;

/** Meters of the LogStream gRPC service. */
final class LogIngestMetrics {
    private final Counter batches;
    private final Counter acks;
    private final MeterRegistry meters;

    LogIngestMetrics(MeterRegistry meters, Supplier<Number> activeStreams) {
        this.meters = meters;
        batches = Counter.builder("log.ingest.batches.received").description("Log batches received from workers").register(meters);
        acks = Counter.builder("log.ingest.acks.sent").description("Log acknowledgements sent to workers").register(meters);
        Gauge.builder("log.ingest.streams.active", activeStreams).description("Open LogStream.Stream calls").register(meters);
    }

    void batch() {
        batches.increment();
    }

    void ack() {
        acks.increment();
    }

    /** A call ended by the service with an error status; {@code reason} is the gRPC status code. */
    void rejected(String reason) {
        Counter.builder("log.ingest.calls.rejected").tag("reason", reason).description("LogStream calls ended with an error status")
                .register(meters).increment();
    }
}
