package dev.baton.events;

import dev.baton.workflow.WorkflowEvent;

import java.util.function.Consumer;

/** A subscribed handler with a name for log lines and dead letters (its class, without the lambda suffix). */
record Subscriber(String name, Consumer<WorkflowEvent> handler) {

    static Subscriber of(Consumer<WorkflowEvent> handler) {
        String name = handler.getClass().getName();
        int lambda = name.indexOf("$$Lambda");
        return new Subscriber(lambda > 0 ? name.substring(0, lambda) : name, handler);
    }
}
