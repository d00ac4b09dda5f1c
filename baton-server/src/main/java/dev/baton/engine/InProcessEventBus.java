package dev.baton.engine;

import dev.baton.workflow.EventBus;
import dev.baton.workflow.WorkflowEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The default event bus: handlers run synchronously on the publishing thread, so an event is handled
 * before the engine moves on. A failing handler is logged and counted, never breaks the run.
 */
public final class InProcessEventBus implements EventBus {
    private static final Logger log = LoggerFactory.getLogger(InProcessEventBus.class);
    private final CopyOnWriteArrayList<Consumer<WorkflowEvent>> handlers = new CopyOnWriteArrayList<>();
    private final Runnable onHandlerError;
    private final Consumer<Duration> onDelay;
    private final Clock clock;
    /** Events published and not yet through all their handlers (the bus has no queue of its own). */
    private final AtomicInteger pending = new AtomicInteger();

    /**
     * @param onHandlerError called for each failing handler
     * @param onDelay        called per event with the time from its {@code occurredAt} to the start of its handlers
     */
    public InProcessEventBus(Runnable onHandlerError, Consumer<Duration> onDelay, Clock clock) {
        this.onHandlerError = onHandlerError;
        this.onDelay = onDelay;
        this.clock = clock;
    }

    public InProcessEventBus(Runnable onHandlerError) {
        this(onHandlerError, d -> { }, Clock.systemUTC());
    }

    public InProcessEventBus() {
        this(() -> { });
    }

    @Override
    public void publish(WorkflowEvent event) {
        pending.incrementAndGet();
        try {
            if (event.occurredAt() != null) {
                Duration delay = Duration.between(event.occurredAt(), clock.instant());
                onDelay.accept(delay.isNegative() ? Duration.ZERO : delay);
            }
            for (Consumer<WorkflowEvent> h : handlers) {
                try {
                    h.accept(event);
                } catch (RuntimeException e) {
                    onHandlerError.run();
                    log.warn("event handler failed for {}: {}", event.type(), e.toString(), e);
                }
            }
        } finally {
            pending.decrementAndGet();
        }
    }

    /** Events being handled now: the bus's queue depth. */
    public int depth() {
        return pending.get();
    }

    @Override
    public AutoCloseable subscribe(Consumer<WorkflowEvent> handler) {
        handlers.add(handler);
        return () -> handlers.remove(handler);
    }
}
