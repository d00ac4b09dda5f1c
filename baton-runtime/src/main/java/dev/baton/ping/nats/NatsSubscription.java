package dev.baton.ping.nats;

import dev.baton.ping.Ping;
import dev.baton.ping.PingBusListener;
import dev.baton.ping.PingCodec;
import dev.baton.ping.PingCorrelation;
import dev.baton.ping.PingType;
import dev.baton.shared.BatonException;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * One handler on one subject, with a jnats Dispatcher of its own: its thread delivers in order and a slow
 * handler holds up no one else. Anyone can publish on the subject, so every message is checked first.
 */
final class NatsSubscription implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NatsSubscription.class);

    private final PingType type;
    private final Consumer<Ping> handler;
    private final PingBusListener listener;
    private final ThrottledWarning skipped = new ThrottledWarning(log, Duration.ofSeconds(1));
    private Connection connection; // guarded by this
    private Dispatcher dispatcher; // guarded by this
    private boolean closed; // guarded by this

    NatsSubscription(PingType type, Consumer<Ping> handler, PingBusListener listener) {
        this.type = type;
        this.handler = handler;
        this.listener = listener;
    }

    synchronized void attach(Connection c) {
        if (closed) return;
        connection = c;
        dispatcher = c.createDispatcher(this::onMessage);
        dispatcher.subscribe(type.subject());
    }

    private void onMessage(Message m) {
        Ping ping;
        try {
            ping = PingCodec.decode(m.getData());
        } catch (BatonException.Invalid e) {
            skipped.warn("Skipped a message on {}: {}", m.getSubject(), e.getMessage());
            listener.rejected(e.code());
            return;
        }
        if (ping.type() != type) {
            skipped.warn("Skipped a message on {}: it is a {} ping", m.getSubject(), ping.type().subject());
            listener.rejected("ping.subject-mismatch");
            return;
        }
        String correlationId = m.hasHeaders() ? m.getHeaders().getFirst(PingCorrelation.HEADER) : null;
        try {
            listener.received(type);
            PingCorrelation.runWith(correlationId, () -> handler.accept(ping));
        } catch (Exception | AssertionError e) {
            // jnats would only report the exception; catching here keeps the WARN and the count in one place.
            log.warn("A {} handler failed; its subscription goes on", type.subject(), e);
            listener.rejected("handler failed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (dispatcher == null || connection.getStatus() == Connection.Status.CLOSED) return;
        try {
            connection.closeDispatcher(dispatcher);
        } catch (IllegalStateException e) {
            // The bus closed the connection meanwhile, which closed the dispatcher too.
        }
    }
}
