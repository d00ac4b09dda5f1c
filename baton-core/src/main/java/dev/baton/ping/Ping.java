package dev.baton.ping;

import java.time.Instant;
import java.util.Objects;

/**
 * A small notification that something changed; receivers fetch the details themselves, so a ping carries
 * only ids, a version and a fingerprint (seed 000 §1.2). Fields a type does not use are null and left out
 * of the JSON.
 */
public record Ping(PingType type, String specId, String path, Long version, String sha256, Integer queueLength,
                   String service, String status, Instant timestamp) {

    public Ping {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(timestamp, "timestamp");
    }

    public static Ping specChanged(String specId, String path, long version, String sha256, Instant at) {
        return new Ping(PingType.SPEC_CHANGED, specId, path, version, sha256, null, null, null, at);
    }

    /** {@code version} may be null: a spec can complete without ever having been versioned. */
    public static Ping specCompleted(String specId, String path, Long version, String sha256, Instant at) {
        return new Ping(PingType.SPEC_COMPLETED, specId, path, version, sha256, null, null, null, at);
    }

    public static Ping workerNeeded(int queueLength, Instant at) {
        return new Ping(PingType.WORKER_NEEDED, null, null, null, null, queueLength, null, null, at);
    }

    /** Status is {@code "ok"} or {@code "error"}. */
    public static Ping systemHealth(String service, boolean ok, Instant at) {
        return new Ping(PingType.SYSTEM_HEALTH, null, null, null, null, null, service, ok ? "ok" : "error", at);
    }
}
