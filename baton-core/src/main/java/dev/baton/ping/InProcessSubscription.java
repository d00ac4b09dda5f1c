package dev.baton.ping;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One subscriber of the in-process bus: a queue and a virtual thread that drains it, so the handler runs in
 * publish order without ever holding up the publisher or other subscribers.
 */
final class InProcessSubscription implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InProcessSubscription.class);
    /** Like NATS' pending limit: a handler this far behind is stuck, and growing without bound would hide it. */
    private static final int QUEUE_CAPACITY = 100_000;
    private static final Delivery STOP = new Delivery(null, null);

    private final PingType type;
    private final Consumer<Ping> handler;
    private final PingBusListener listener;
    private final Consumer<InProcessSubscription> onClose;
    private final LinkedBlockingQueue<Delivery> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    private record Delivery(Ping ping, String correlationId) {
    }

    private InProcessSubscription(PingType type, Consumer<Ping> handler, PingBusListener listener, Consumer<InProcessSubscription> onClose) {
        this.type = type;
        this.handler = handler;
        this.listener = listener;
        this.onClose = onClose;
    }

    static InProcessSubscription start(PingType type, Consumer<Ping> handler, PingBusListener listener,
                                       Consumer<InProcessSubscription> onClose) {
        InProcessSubscription s = new InProcessSubscription(type, handler, listener, onClose);
        Thread.ofVirtual().name("ping-" + type.subject()).start(s::drain);
        return s;
    }

    void offer(Ping ping, String correlationId) {
        if (closed) return;
        if (!queue.offer(new Delivery(ping, correlationId))) {
            long n = dropped.incrementAndGet();
            if (n == 1 || n % 1000 == 0) log.warn("A {} subscriber is {} pings behind; dropped {} so far", type.subject(), QUEUE_CAPACITY, n);
            listener.rejected("subscriber queue full");
        }
    }

    private void drain() {
        try {
            while (true) {
                Delivery d = queue.take();
                if (d == STOP || closed) return;
                deliver(d);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliver(Delivery d) {
        try {
            listener.received(type);
            PingCorrelation.runWith(d.correlationId(), () -> handler.accept(d.ping()));
        } catch (Exception | AssertionError e) {
            // AssertionError too: a test's handler failing must not silently end its subscription.
            log.warn("A {} handler failed; its subscription goes on", type.subject(), e);
            listener.rejected("handler failed");
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        onClose.accept(this);
        queue.clear();
        queue.offer(STOP);
    }
}
