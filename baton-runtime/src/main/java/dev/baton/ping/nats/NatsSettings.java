package dev.baton.ping.nats;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reach NATS. {@code url} may be a comma-separated list and may carry {@code user:password@} or
 * {@code token@}; it is never logged or shown as is.
 *
 * @param reconnectBufferBytes how much jnats keeps of what is published while disconnected; 0 turns buffering off
 */
public record NatsSettings(String url, String connectionName, Duration connectTimeout, Duration reconnectWait,
                           Duration maxReconnectJitter, long reconnectBufferBytes) {

    public NatsSettings {
        if (url == null || url.isBlank()) throw new IllegalArgumentException("a NATS URL is required");
        Objects.requireNonNull(connectionName, "connectionName");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(reconnectWait, "reconnectWait");
        Objects.requireNonNull(maxReconnectJitter, "maxReconnectJitter");
        if (maxReconnectJitter.isNegative()) throw new IllegalArgumentException("maxReconnectJitter must not be negative");
        if (reconnectBufferBytes < 0) throw new IllegalArgumentException("reconnectBufferBytes must not be negative");
    }

    /** Connect within 2 s, retry every 1 s (+ up to 100 ms so a fleet does not retry in step), buffer 8 MiB. */
    public static NatsSettings defaults(String url) {
        return new NatsSettings(url, "baton", Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMillis(100), 8L * 1024 * 1024);
    }

    /** The name the NATS server shows for this client (monitoring, {@code nats server report connections}). */
    public NatsSettings withConnectionName(String name) {
        return new NatsSettings(url, name, connectTimeout, reconnectWait, maxReconnectJitter, reconnectBufferBytes);
    }

    /** The URL with credentials masked, fit for logs and status pages. */
    public String maskedUrl() {
        return NatsUrl.masked(url);
    }

    @Override
    public String toString() {
        // The generated toString would print the password.
        return "NatsSettings[url=%s, connectionName=%s, connectTimeout=%s, reconnectWait=%s, maxReconnectJitter=%s, reconnectBufferBytes=%d]"
                .formatted(maskedUrl(), connectionName, connectTimeout, reconnectWait, maxReconnectJitter, reconnectBufferBytes);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) throw new IllegalArgumentException(name + " must be positive");
    }
}
