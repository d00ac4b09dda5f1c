package dev.baton.ping.nats;

import dev.baton.ping.BusState;
import dev.baton.ping.Ping;
import dev.baton.ping.PingBus;
import dev.baton.ping.PingBusListener;
import dev.baton.ping.PingCodec;
import dev.baton.ping.PingCorrelation;
import dev.baton.ping.PingType;
import dev.baton.shared.BatonException;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.impl.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The ping bus over core NATS (seed 000 §1.3): fire-and-forget, one subject per {@link PingType}. It never
 * gives up on the server: while it is away, publishes go to jnats' reconnect buffer and subscriptions are
 * restored on reconnect.
 */
public final class NatsPingBus implements PingBus {
    private static final Logger log = LoggerFactory.getLogger(NatsPingBus.class);

    private final NatsSettings settings;
    private final PingBusListener listener;
    private final String server;
    private final ConnectionSlot slot;
    private final CountDownLatch firstAttempt = new CountDownLatch(1);
    private final ThrottledWarning dropped = new ThrottledWarning(log, Duration.ofSeconds(10));
    private volatile Thread connecting;
    private volatile boolean closed;

    private NatsPingBus(NatsSettings settings, PingBusListener listener) {
        this.settings = settings;
        this.listener = listener;
        this.server = settings.maskedUrl();
        this.slot = new ConnectionSlot(settings.reconnectBufferBytes());
    }

    /**
     * Connects in the background and returns after the first attempt (at most about the connect timeout):
     * CONNECTED if the server answered, else RECONNECTING with retries going on. A server that is down does
     * not stop Baton from starting.
     *
     * @throws BatonException.Invalid {@code nats.url-invalid} if jnats cannot parse the URL
     */
    public static NatsPingBus connect(NatsSettings settings, PingBusListener listener) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(listener, "listener");
        NatsPingBus bus = new NatsPingBus(settings, listener);
        Options options = bus.options();
        bus.connecting = Thread.ofVirtual().name("nats-connect").start(() -> bus.connectInBackground(options));
        bus.awaitFirstAttempt(settings.connectTimeout().plusSeconds(1));
        return bus;
    }

    private Options options() {
        ConnectionEvents events = new ConnectionEvents(server, listener, this::attach);
        try {
            return new Options.Builder()
                    .server(settings.url())
                    .connectionName(settings.connectionName())
                    .connectionTimeout(settings.connectTimeout())
                    .reconnectWait(settings.reconnectWait())
                    .reconnectJitter(settings.maxReconnectJitter())
                    .reconnectBufferSize(settings.reconnectBufferBytes())
                    .maxReconnects(-1)
                    .connectionListener(events)
                    .errorListener(events)
                    .build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            // jnats' message may quote the URL, password and all.
            throw new BatonException.Invalid("nats.url-invalid", "NATS URL " + server + " is not valid");
        }
    }

    private void connectInBackground(Options options) {
        try {
            // Blocks until the first successful connect; reconnectOnConnect makes a down server a retry, not an error.
            attach(Nats.connectReconnectOnConnect(options));
        } catch (Exception e) {
            if (closed) {
                log.debug("NATS {}: connecting stopped by close: {}", server, e.toString());
            } else {
                log.warn("NATS {}: gave up connecting: {}", server, e.toString());
                listener.connectionEvent("CONNECT_FAILED");
            }
        } finally {
            firstAttempt.countDown();
        }
    }

    private void attach(Connection c) {
        boolean first = slot.fill(c);
        firstAttempt.countDown();
        if (first && closed) {
            // close() ran before jnats handed out the connection. Not on this thread: it may be jnats'
            // callback thread, which Connection.close() waits for.
            Thread.ofVirtual().name("nats-close").start(() -> closeQuietly(c));
        }
    }

    private void awaitFirstAttempt(Duration timeout) {
        try {
            if (!firstAttempt.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("NATS {}: no answer within {}; connecting in the background", server, timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void publish(Ping ping) {
        byte[] bytes = PingCodec.encode(ping); // an oversize ping is the caller's bug: let it throw
        if (closed) {
            reject("bus closed", ping.type(), "the bus is closed");
            return;
        }
        String subject = ping.type().subject();
        Headers headers = correlationHeaders();
        if (!slot.run(c -> publishOn(c, subject, headers, bytes, ping.type()), bytes.length)) {
            reject("reconnect buffer full", ping.type(), "not connected yet and the buffer is full");
        }
    }

    private void publishOn(Connection c, String subject, Headers headers, byte[] bytes, PingType type) {
        try {
            c.publish(subject, headers, bytes);
            listener.published(type, bytes.length);
        } catch (RuntimeException e) {
            // jnats throws IllegalStateException when closed or when the reconnect buffer is full.
            String reason = switch (c.getStatus()) {
                case CLOSED -> "bus closed";
                case CONNECTED -> "publish failed";
                default -> "reconnect buffer full";
            };
            reject(reason, type, e.getMessage());
        }
    }

    private void reject(String reason, PingType type, String detail) {
        dropped.warn("NATS {}: dropped a {} ping ({}): {}", server, type.subject(), reason, detail);
        listener.rejected(reason);
    }

    private static Headers correlationHeaders() {
        String id = PingCorrelation.current();
        return id == null ? null : new Headers().put(PingCorrelation.HEADER, id);
    }

    @Override
    public AutoCloseable subscribe(PingType type, Consumer<Ping> handler) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(handler, "handler");
        if (closed) throw new BatonException.Conflict("ping.bus-closed", "the NATS ping bus is closed");
        NatsSubscription s = new NatsSubscription(type, handler, listener);
        slot.run(s::attach, 0);
        return s;
    }

    @Override
    public BusState state() {
        if (closed) return BusState.CLOSED;
        Connection c = slot.get();
        if (c == null) return BusState.RECONNECTING;
        return switch (c.getStatus()) {
            case CONNECTED -> BusState.CONNECTED;
            case CLOSED -> BusState.CLOSED;
            case DISCONNECTED, RECONNECTING, CONNECTING -> BusState.RECONNECTING;
        };
    }

    @Override
    public String describe() {
        return server;
    }

    /**
     * Waits until the server has processed everything published so far (a PING/PONG round trip).
     *
     * @throws BatonException.Transient {@code nats.flush-timeout} if that takes longer than {@code timeout}
     *                                  or the bus is not connected
     */
    public void flush(Duration timeout) {
        Connection c = slot.get();
        if (c == null) throw new BatonException.Transient("nats.flush-timeout", "NATS " + server + " not connected yet", null);
        try {
            c.flush(timeout);
        } catch (TimeoutException | IllegalStateException e) {
            throw new BatonException.Transient("nats.flush-timeout", "NATS " + server + " did not confirm within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BatonException.Transient("nats.flush-timeout", "interrupted while flushing to NATS " + server, e);
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        Connection c = slot.get();
        if (c != null) closeQuietly(c);
        Thread t = connecting;
        if (t != null) t.interrupt(); // still in its first connect: no Connection to close yet
    }

    private void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.debug("NATS {}: error while closing: {}", server, e.toString());
        }
    }
}
