package dev.baton.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The event bus meters of seed 001 §2 (both buses record the same ones): {@code event.handler.error},
 * {@code event.processing.delay}, plus {@code event.dead.letter} (an event given up for a handler) and
 * {@code event.bus.publish.failure} (an event the bus could not take: Redis down past the command timeout or
 * the reconnect buffer full) with the gauge {@code event.bus.publish.consecutive.failures} (reset by the next event
 * the bus takes; alert EventBusDown reads it beside {@code event.publish.consecutive.failures}, which counts the
 * event log's failures). {@code event.published} is counted where events are recorded (EventRecorder),
 * {@code event.queue.depth} is the bus's own gauge.
 */
public final class EventBusMetrics {
    private final Counter handlerErrors;
    private final Counter deadLetters;
    private final Counter publishFailures;
    private final Timer delay;
    private final AtomicInteger consecutivePublishFailures = new AtomicInteger();

    public EventBusMetrics(MeterRegistry meters) {
        handlerErrors = Counter.builder("event.handler.error").description("Event handler failures (every failed attempt)").register(meters);
        deadLetters = Counter.builder("event.dead.letter").description("Events given up for a handler after the last retry").register(meters);
        publishFailures = Counter.builder("event.bus.publish.failure")
                .description("Events the bus could not take (Redis unreachable past the command timeout, reconnect buffer full)").register(meters);
        Gauge.builder("event.bus.publish.consecutive.failures", consecutivePublishFailures, AtomicInteger::get)
                .description("Events in a row the bus could not take (0 again after one it took)").register(meters);
        delay = Timer.builder("event.processing.delay").description("Time from an event's occurrence to the start of its handlers").register(meters);
    }

    /** Meters nobody reads (tests, the demo, benchmarks). */
    public static EventBusMetrics none() {
        return new EventBusMetrics(new SimpleMeterRegistry());
    }

    void handlerError() {
        handlerErrors.increment();
    }

    void deadLetter() {
        deadLetters.increment();
    }

    void publishFailed() {
        publishFailures.increment();
        consecutivePublishFailures.incrementAndGet();
    }

    void publishTaken() {
        consecutivePublishFailures.set(0);
    }

    public int consecutivePublishFailures() {
        return consecutivePublishFailures.get();
    }

    void delay(Duration d) {
        delay.record(d.isNegative() ? Duration.ZERO : d);
    }

    public double handlerErrors() {
        return handlerErrors.count();
    }

    public double deadLetters() {
        return deadLetters.count();
    }

    public double publishFailures() {
        return publishFailures.count();
    }

    public long delaysRecorded() {
        return delay.count();
    }
}
