package dev.baton.dispatch;

import java.time.Duration;

/**
 * @param heartbeatInterval how often workers heartbeat (announced in Registered)
 * @param heartbeatExpiry   a worker silent this long is dropped and its sessions re-queued
 * @param resultMargin      added to a query's timeout for the worker's answer to travel back
 */
public record DispatchSettings(Duration heartbeatInterval, Duration heartbeatExpiry, Duration resultMargin) {

    public DispatchSettings {
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) throw new IllegalArgumentException("dispatch: heartbeat interval must be positive");
        if (heartbeatExpiry.compareTo(heartbeatInterval) <= 0) {
            throw new IllegalArgumentException("dispatch: heartbeat expiry (" + heartbeatExpiry.toMillis()
                    + " ms) must be longer than the heartbeat interval (" + heartbeatInterval.toMillis() + " ms)");
        }
    }

    public static DispatchSettings defaults() {
        return new DispatchSettings(Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(10));
    }
}
