package dev.baton.workflow;

import java.util.function.Consumer;

/** Port: publishes domain events to whoever listens (in-process now; NATS behind the same interface later). */
public interface EventBus {

    void publish(WorkflowEvent event);

    /** @return a handle that stops the subscription when closed */
    AutoCloseable subscribe(Consumer<WorkflowEvent> handler);
}
