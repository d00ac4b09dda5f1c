package dev.baton.ping;

import java.util.function.Consumer;

/**
 * Port: carries pings between the server and workers, in-process or over NATS. Delivery is at-most-once and
 * fire-and-forget; receivers treat a ping as a hint and re-read the real state, so a lost ping only delays.
 */
public interface PingBus extends AutoCloseable {

    /**
     * Sends a ping without waiting for the network. Does not throw when the bus is disconnected or closed
     * (the ping is buffered, or dropped and reported to the {@link PingBusListener}); throws
     * {@link dev.baton.shared.BatonException.Invalid} {@code ping.too-large} for a ping over
     * {@link PingCodec#MAX_PAYLOAD_BYTES}, since that is the caller's bug.
     */
    void publish(Ping ping);

    /**
     * Calls {@code handler} for every ping of {@code type}, in publish order, on a thread of its own: a slow
     * handler delays only its own subscription. A handler that throws is logged and counted; the
     * subscription goes on.
     *
     * @return closing it stops delivery to this handler
     * @throws dev.baton.shared.BatonException.Conflict {@code ping.bus-closed} once the bus is closed
     */
    AutoCloseable subscribe(PingType type, Consumer<Ping> handler);

    BusState state();

    /** {@code "in-process"} or the NATS server URL with any credentials masked. */
    String describe();

    @Override
    void close();
}
