package dev.baton.ping;

/**
 * Hook for metrics and logging in the server. Called on bus threads, so implementations must be quick and
 * must not throw.
 */
public interface PingBusListener {

    default void published(PingType type, int bytes) {
    }

    default void received(PingType type) {
    }

    /**
     * A ping that was not delivered. Reasons are short and stable, usable as a metric tag:
     * {@code ping.malformed}, {@code ping.too-large}, {@code ping.subject-mismatch} (inbound),
     * {@code handler failed}, {@code subscriber queue full}, {@code reconnect buffer full},
     * {@code publish failed}, {@code bus closed}.
     */
    default void rejected(String reason) {
    }

    /** Connection state changes by name, e.g. CONNECTED, DISCONNECTED, RECONNECTED, CLOSED. */
    default void connectionEvent(String event) {
    }

    PingBusListener NONE = new PingBusListener() {
    };
}
