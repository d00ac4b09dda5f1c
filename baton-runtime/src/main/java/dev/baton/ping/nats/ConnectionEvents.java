package dev.baton.ping.nats;

import dev.baton.ping.PingBusListener;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * What jnats reports about the connection, logged once per change and passed on to the
 * {@link PingBusListener}. Every event also carries the Connection, which is how the bus gets hold of it
 * while jnats is still trying to connect.
 */
final class ConnectionEvents implements ConnectionListener, ErrorListener {
    private static final Logger log = LoggerFactory.getLogger(NatsPingBus.class);

    private final String server;
    private final PingBusListener listener;
    private final java.util.function.Consumer<Connection> seen;
    private final ThrottledWarning failures = new ThrottledWarning(log, Duration.ofSeconds(30));
    private volatile Events last;

    ConnectionEvents(String server, PingBusListener listener, java.util.function.Consumer<Connection> seen) {
        this.server = server;
        this.listener = listener;
        this.seen = seen;
    }

    /** jnats 2.25 still declares only this one abstract; it calls the four-argument form, which lands here. */
    @Override
    @SuppressWarnings("deprecation")
    public void connectionEvent(Connection conn, Events event) {
        connectionEvent(conn, event, null, null);
    }

    @Override
    public void connectionEvent(Connection conn, Events event, Long time, String uriDetails) {
        // uriDetails is not logged: it is jnats' view of the server URI and may carry credentials.
        if (conn != null) seen.accept(conn);
        // A server that stays down yields DISCONNECTED at every retry; only the change is news.
        if (event == last && event == Events.DISCONNECTED) {
            log.debug("NATS {} still disconnected", server);
            return;
        }
        last = event;
        switch (event) {
            case DISCONNECTED -> log.warn("NATS {} disconnected; reconnecting, publishes are buffered meanwhile", server);
            case LAME_DUCK -> log.warn("NATS {} is shutting down (lame duck mode)", server);
            default -> log.info("NATS {}: {}", server, event.name());
        }
        listener.connectionEvent(event.name());
    }

    @Override
    public void errorOccurred(Connection conn, String error) {
        if (conn != null) seen.accept(conn);
        failures.warn("NATS {} reported an error: {}", server, error);
        listener.connectionEvent("SERVER_ERROR");
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
        if (conn != null) seen.accept(conn);
        failures.warn("NATS {}: {}", server, exp.toString());
    }

    @Override
    public void slowConsumerDetected(Connection conn, Consumer consumer) {
        failures.warn("NATS {}: a ping handler is too slow; the client drops messages for it", server);
        listener.connectionEvent("SLOW_CONSUMER");
    }
}
