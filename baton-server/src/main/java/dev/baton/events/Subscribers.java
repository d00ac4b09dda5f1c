package dev.baton.events;

import dev.baton.workflow.WorkflowEvent;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The handlers subscribed to a bus; safe to change while an event is being delivered. */
final class Subscribers {
    private final CopyOnWriteArrayList<Subscriber> all = new CopyOnWriteArrayList<>();

    /** @return closing it unsubscribes the handler */
    AutoCloseable add(Consumer<WorkflowEvent> handler) {
        Subscriber s = Subscriber.of(handler);
        all.add(s);
        return () -> all.remove(s);
    }

    /** The handlers now: one event goes to these, whatever subscribes meanwhile. */
    List<Subscriber> now() {
        return List.copyOf(all);
    }
}
