package dev.baton.worker.logs;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a {@link LogShipper} talks to the server.
 *
 * @param workerId        this worker's id, sent in the hello
 * @param token           the worker's bearer token, or null when the server runs without tokens
 * @param metadata        sent in the hello and applied by the server to every entry: pod_name, namespace, node
 * @param minBackoff      first wait before reconnecting after a failed call
 * @param maxBackoff      longest wait between reconnects
 * @param maxBatchEntries most entries in one message
 * @param maxBatchBytes   about the most bytes of entries in one message
 */
public record ShipperSettings(String workerId, String token, Map<String, String> metadata,
                              Duration minBackoff, Duration maxBackoff, int maxBatchEntries, long maxBatchBytes) {

    public static final Duration DEFAULT_MIN_BACKOFF = Duration.ofMillis(100);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_BATCH_ENTRIES = 1000;
    public static final long DEFAULT_MAX_BATCH_BYTES = 256 * 1024;

    public ShipperSettings {
        if (workerId == null || workerId.isBlank()) {
            throw new IllegalArgumentException("the log shipper needs a worker id");
        }
        if (token != null && token.isBlank()) token = null;
        metadata = Map.copyOf(metadata);
        if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("log shipper backoff must satisfy 0 < min <= max, got " + minBackoff + " and " + maxBackoff);
        }
        if (maxBatchEntries < 1 || maxBatchBytes < 1) {
            throw new IllegalArgumentException("log shipper batches must allow at least one entry and one byte");
        }
    }

    /** Defaults, with the pod metadata taken from the environment ({@link #podMetadata}). */
    public static ShipperSettings of(String workerId, String token) {
        return new ShipperSettings(workerId, token, podMetadata(System.getenv(), localHostName()),
                DEFAULT_MIN_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_MAX_BATCH_ENTRIES, DEFAULT_MAX_BATCH_BYTES);
    }

    public ShipperSettings withBackoff(Duration min, Duration max) {
        return new ShipperSettings(workerId, token, metadata, min, max, maxBatchEntries, maxBatchBytes);
    }

    /**
     * pod_name, namespace and node from POD_NAME, POD_NAMESPACE and NODE_NAME (set by the Kubernetes downward
     * API), else the host name, "default" and the host name.
     */
    public static Map<String, String> podMetadata(Map<String, String> env, String hostName) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("pod_name", orElse(env.get("POD_NAME"), hostName));
        metadata.put("namespace", orElse(env.get("POD_NAMESPACE"), "default"));
        metadata.put("node", orElse(env.get("NODE_NAME"), hostName));
        return metadata;
    }

    private static String orElse(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "localhost" : env;
        }
    }

    @Override
    public String toString() {
        // Never print the token.
        return "ShipperSettings[workerId=" + workerId + ", token=" + (token == null ? "none" : "***") + ", metadata=" + metadata
                + ", backoff=" + minBackoff + ".." + maxBackoff + ", batch=" + maxBatchEntries + "/" + maxBatchBytes + "B]";
    }
}
