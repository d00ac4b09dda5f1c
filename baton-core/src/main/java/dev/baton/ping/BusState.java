package dev.baton.ping;

/** RECONNECTING also covers "never connected yet": publishes are buffered either way. */
public enum BusState {
    CONNECTED,
    RECONNECTING,
    CLOSED
}
