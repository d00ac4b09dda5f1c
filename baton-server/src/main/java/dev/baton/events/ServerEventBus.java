package dev.baton.events;

import dev.baton.workflow.EventBus;

import java.time.Duration;

/**
 * The event bus as the server runs it: on top of publish/subscribe, its queue depth, whether it can reach
 * what it depends on (/ready), and a drain for graceful shutdown.
 */
public interface ServerEventBus extends EventBus, AutoCloseable {

    /** {@code in-memory} or {@code redis} (EVENT_BUS_TYPE). */
    String type();

    /** Events published and not yet through all their handlers (cached: never a round trip). */
    long queueDepth();

    /** Starts delivering to the subscribed handlers; called once every handler of the server has subscribed. */
    void start();

    /** @return null when the bus is usable, else why not (answered within {@code timeout}) */
    String unreachable(Duration timeout);

    /**
     * Graceful shutdown: lets what is queued be handled, stops taking new events off the queue and lets the
     * handler in flight finish, all within {@code timeout}. Publishing still works afterwards.
     *
     * @return events still queued or waiting for a retry when it gave up (0: fully drained)
     */
    long drain(Duration timeout);

    @Override
    void close();
}
