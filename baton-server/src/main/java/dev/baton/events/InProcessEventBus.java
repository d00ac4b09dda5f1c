package dev.baton.events;

import dev.baton.workflow.WorkflowEvent;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The default event bus (EVENT_BUS_TYPE=in-memory): each handler's first attempt runs synchronously on the
 * publishing thread, so an event is handled before the engine moves on. A failing handler never breaks the
 * run: it is retried on the {@link RetryScheduler} (the publishing thread does not wait) and, after the last
 * attempt, dead-lettered — an ERROR log line with the whole event and the {@code event.dead.letter} counter;
 * nothing survives a restart here (the event itself is in the persistent event log).
 */
public final class InProcessEventBus implements ServerEventBus {
    private final Subscribers handlers = new Subscribers();
    private final EventDeliveries deliveries;
    private final RetryScheduler scheduler;
    private final EventBusMetrics metrics;
    private final Clock clock;

    public InProcessEventBus(HandlerRetryPolicy retries, RetryScheduler scheduler, EventBusMetrics metrics, Clock clock) {
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.clock = clock;
        this.deliveries = new EventDeliveries(retries, scheduler, metrics, letter -> { }); // the log line and the counter are the dead letter
    }

    /** No retries, no meters: the engine's unit tests, the benchmarks. */
    public InProcessEventBus() {
        this(HandlerRetryPolicy.NONE, RetryScheduler.none(), EventBusMetrics.none(), Clock.systemUTC());
    }

    @Override
    public void publish(WorkflowEvent event) {
        if (event.occurredAt() != null) metrics.delay(Duration.between(event.occurredAt(), clock.instant()));
        for (Subscriber s : handlers.now()) deliveries.deliver(s, event, null, () -> { });
    }

    @Override
    public AutoCloseable subscribe(Consumer<WorkflowEvent> handler) {
        return handlers.add(handler);
    }

    @Override
    public String type() {
        return "in-memory";
    }

    /** Handler deliveries under way or waiting for a retry. */
    @Override
    public long queueDepth() {
        return deliveries.unsettled();
    }

    @Override
    public void start() {
        // handlers run on publish; nothing to start
    }

    @Override
    public String unreachable(Duration timeout) {
        return null;
    }

    /** Gives waiting retries until {@code timeout} to run; those still waiting then are dead-lettered. */
    @Override
    public long drain(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (deliveries.unsettled() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        var abandoned = deliveries.abandonWaiting("shutdown before the retry was due");
        abandoned.forEach(deliveries::deadLetterAbandoned);
        return abandoned.size();
    }

    @Override
    public void close() {
        scheduler.close();
    }
}
