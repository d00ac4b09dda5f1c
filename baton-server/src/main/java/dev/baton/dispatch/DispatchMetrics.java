package dev.baton.dispatch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The dispatcher's meters: connected workers, expiries, re-queued tasks, assignments. */
public final class DispatchMetrics {
    final Counter expired;
    final Counter requeued;
    final Counter assignments;
    final Counter registrations;

    public DispatchMetrics(MeterRegistry meters, WorkerRegistry registry) {
        Gauge.builder("worker.connected", registry, WorkerRegistry::online).description("Workers with an open control stream").register(meters);
        expired = Counter.builder("worker.expired").description("Workers dropped after missing heartbeats past the expiry").register(meters);
        requeued = Counter.builder("task.requeued").description("Tasks in flight re-sent to another worker after theirs expired").register(meters);
        assignments = Counter.builder("worker.assignments").description("Agent sessions sent to a worker (StartAgent)").register(meters);
        registrations = Counter.builder("worker.registrations").description("Worker registrations, reconnects included").register(meters);
    }
}
