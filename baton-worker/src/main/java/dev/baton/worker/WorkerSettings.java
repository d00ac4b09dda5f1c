package dev.baton.worker;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * How a worker connects and what it offers.
 *
 * @param server     {@code host:port} of the server's gRPC port (or an in-process name, see {@code LocalWorker})
 * @param token      bearer token; null when the server runs without tokens
 * @param workerId   stable id; default host name + pid
 * @param labels     matched against agents (label {@code agent=<profile>} restricts a worker to one profile)
 * @param capacity   agents run at once (at least 1)
 * @param tlsCert    PEM certificate to trust for TLS; null means plaintext
 * @param metadata   pod_name, namespace, node: copied onto every log entry
 * @param maxBackoff longest wait between two reconnect attempts
 * @param workdir    where the worker keeps its own copies of the repositories (fetched from the server, changes
 *                   pushed back); null when it sees the server's data folder at the same path (a shared volume)
 */
public record WorkerSettings(String server, String token, String workerId, Map<String, String> labels, int capacity,
                             Path tlsCert, Map<String, String> metadata, Duration maxBackoff, Path workdir) {

    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

    public WorkerSettings {
        if (server == null || server.isBlank()) throw new IllegalArgumentException("worker: the server address (host:port) is required");
        if (workerId == null || workerId.isBlank()) throw new IllegalArgumentException("worker: the worker id must not be empty");
        if (capacity < 1) throw new IllegalArgumentException("worker: capacity must be at least 1, got " + capacity);
        labels = Map.copyOf(labels);
        metadata = Map.copyOf(metadata);
        if (maxBackoff == null) maxBackoff = DEFAULT_MAX_BACKOFF;
    }

    public WorkerSettings(String server, String token, String workerId, Map<String, String> labels, int capacity, Path tlsCert) {
        this(server, token, workerId, labels, capacity, tlsCert, Map.of(), DEFAULT_MAX_BACKOFF, null);
    }

    public WorkerSettings withMetadata(Map<String, String> more) {
        return new WorkerSettings(server, token, workerId, labels, capacity, tlsCert, more, maxBackoff, workdir);
    }

    public WorkerSettings withMaxBackoff(Duration max) {
        return new WorkerSettings(server, token, workerId, labels, capacity, tlsCert, metadata, max, workdir);
    }

    public WorkerSettings withWorkdir(Path dir) {
        return new WorkerSettings(server, token, workerId, labels, capacity, tlsCert, metadata, maxBackoff, dir == null ? null : dir.toAbsolutePath().normalize());
    }

    /** Host name + pid: unique per running worker process on a network. */
    public static String defaultWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "worker";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    /** Kubernetes downward-API variables (seed 004's example): POD_NAME, POD_NAMESPACE, NODE_NAME. */
    public static Map<String, String> metadataFromEnvironment(UnaryOperator<String> env) {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, "pod_name", env.apply("POD_NAME"));
        put(m, "namespace", env.apply("POD_NAMESPACE"));
        put(m, "node", env.apply("NODE_NAME"));
        return m;
    }

    /**
     * Parses {@code k=v,k2=v2}.
     *
     * @throws IllegalArgumentException naming the entry that is not {@code key=value}
     */
    public static Map<String, String> parseLabels(String spec) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) return labels;
        for (String pair : spec.split(",")) {
            String p = pair.trim();
            int eq = p.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("label '" + p + "' must be key=value");
            labels.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
        }
        return labels;
    }

    private static void put(Map<String, String> m, String key, String value) {
        if (value != null && !value.isBlank()) m.put(key, value);
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "WorkerSettings[server=" + server + ", workerId=" + workerId + ", labels=" + labels + ", capacity=" + capacity
                + ", tls=" + (tlsCert != null) + (workdir != null ? ", workdir=" + workdir : "") + ", token=" + (token == null ? "none" : "***") + "]";
    }
}
