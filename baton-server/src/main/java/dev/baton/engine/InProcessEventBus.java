package dev.baton.engine;

import dev.baton.workflow.EventBus;
import dev.baton.workflow.WorkflowEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The default event bus: handlers run synchronously on the publishing thread, so an event is handled
 * before the engine moves on. A failing handler is logged and counted, never breaks the run.
 */
public final class InProcessEventBus implements EventBus {
    private static final Logger log = LoggerFactory.getLogger(InProcessEventBus.class);
    private final CopyOnWriteArrayList<Consumer<WorkflowEvent>> handlers = new CopyOnWriteArrayList<>();
    private final Runnable onHandlerError;

    public InProcessEventBus(Runnable onHandlerError) {
        this.onHandlerError = onHandlerError;
    }

    public InProcessEventBus() {
        this(() -> { });
    }

    @Override
    public void publish(WorkflowEvent event) {
        for (Consumer<WorkflowEvent> h : handlers) {
            try {
                h.accept(event);
            } catch (RuntimeException e) {
                onHandlerError.run();
                log.warn("event handler failed for {}: {}", event.type(), e.toString(), e);
            }
        }
    }

    @Override
    public AutoCloseable subscribe(Consumer<WorkflowEvent> handler) {
        handlers.add(handler);
        return () -> handlers.remove(handler);
    }
}
