package dev.baton.ping.nats;

import io.nats.client.Connection;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The jnats connection once it exists, and what was asked of it before. When the server is down at start-up
 * jnats stays inside its connect call and hands out the Connection only with its first event, so publishes
 * and subscriptions made in between wait here, in order.
 */
final class ConnectionSlot {
    private final long maxWaitingBytes;
    private final List<Consumer<Connection>> waiting = new ArrayList<>(); // guarded by this
    private long waitingBytes; // guarded by this
    private volatile Connection connection;

    ConnectionSlot(long maxWaitingBytes) {
        this.maxWaitingBytes = maxWaitingBytes;
    }

    /** The connection, or null while jnats has not handed it out yet. */
    Connection get() {
        return connection;
    }

    /**
     * Runs {@code action} on the connection now, or once it exists.
     *
     * @return false if it would have to wait and {@code bytes} more do not fit the buffer
     */
    boolean run(Consumer<Connection> action, int bytes) {
        Connection c = connection;
        if (c == null) {
            synchronized (this) {
                c = connection;
                if (c == null) {
                    if (waitingBytes + bytes > maxWaitingBytes) return false;
                    waitingBytes += bytes;
                    waiting.add(action);
                    return true;
                }
            }
        }
        action.accept(c);
        return true;
    }

    /**
     * Called with every connection jnats shows us; the first one fills the slot and runs what waited.
     *
     * @return true if this call filled the slot
     */
    boolean fill(Connection c) {
        if (connection != null) return false;
        synchronized (this) {
            if (connection != null) return false;
            // Run before publishing the field: a caller that sees the connection must come after what waited.
            for (Consumer<Connection> action : waiting) action.accept(c);
            waiting.clear();
            waitingBytes = 0;
            connection = c;
            return true;
        }
    }
}
