package dev.baton.ping;

import dev.baton.shared.BatonException;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The ping bus of a single-process Baton. It behaves like NATS so that code tested against it behaves the
 * same over the network: every subscription has its own dispatcher thread and queue, and publish goes through
 * {@link PingCodec} so the 1 KB limit bites here too.
 */
public final class InProcessPingBus implements PingBus {
    private final PingBusListener listener;
    // Copy-on-write: publishes (many) iterate without locking; subscribe and close (rare) copy.
    private final Map<PingType, List<InProcessSubscription>> subscriptions = new EnumMap<>(PingType.class);
    private volatile boolean closed;

    public InProcessPingBus(PingBusListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        for (PingType t : PingType.values()) subscriptions.put(t, new CopyOnWriteArrayList<>());
    }

    @Override
    public void publish(Ping ping) {
        int bytes = PingCodec.encode(ping).length;
        if (closed) {
            listener.rejected("bus closed");
            return;
        }
        listener.published(ping.type(), bytes);
        // The Ping itself is delivered rather than a decoded copy: it is immutable and would decode equal.
        String correlationId = PingCorrelation.current();
        for (InProcessSubscription s : subscriptions.get(ping.type())) s.offer(ping, correlationId);
    }

    @Override
    public AutoCloseable subscribe(PingType type, Consumer<Ping> handler) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(handler, "handler");
        if (closed) throw new BatonException.Conflict("ping.bus-closed", "the in-process ping bus is closed");
        List<InProcessSubscription> forType = subscriptions.get(type);
        InProcessSubscription s = InProcessSubscription.start(type, handler, listener, forType::remove);
        forType.add(s);
        return s;
    }

    @Override
    public BusState state() {
        return closed ? BusState.CLOSED : BusState.CONNECTED;
    }

    @Override
    public String describe() {
        return "in-process";
    }

    @Override
    public void close() {
        closed = true;
        for (List<InProcessSubscription> forType : subscriptions.values()) {
            for (InProcessSubscription s : forType) s.close();
        }
    }
}
