package dev.baton.dispatch;

import dev.baton.grpc.v1.ServerMessage;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A registered worker as the server sees it: what it offers, when it was last heard of, the sessions placed
 * on it, and its current control stream (replaced when it reconnects, null while it is away).
 */
public final class ConnectedWorker {
    private final String id;
    private volatile Map<String, String> labels;
    private volatile int capacity;
    private volatile Map<String, String> metadata;
    private volatile boolean ownWorkdir;
    private volatile StreamObserver<ServerMessage> link;
    private volatile Instant lastSeen;
    final Set<String> sessions = ConcurrentHashMap.newKeySet();

    ConnectedWorker(String id, Map<String, String> labels, int capacity, Map<String, String> metadata, boolean ownWorkdir,
                    StreamObserver<ServerMessage> link, Instant now) {
        this.id = id;
        update(labels, capacity, metadata, ownWorkdir, link, now);
    }

    void update(Map<String, String> labels, int capacity, Map<String, String> metadata, boolean ownWorkdir, StreamObserver<ServerMessage> link, Instant now) {
        this.labels = Map.copyOf(labels);
        this.capacity = capacity;
        this.metadata = Map.copyOf(metadata);
        this.ownWorkdir = ownWorkdir;
        this.link = link;
        this.lastSeen = now;
    }

    public String id() {
        return id;
    }

    public Map<String, String> labels() {
        return labels;
    }

    public int capacity() {
        return capacity;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** It keeps its own copies of the repositories: repository content and changes travel over WorkspaceTransfer. */
    public boolean ownWorkdir() {
        return ownWorkdir;
    }

    public Instant lastSeen() {
        return lastSeen;
    }

    void seen(Instant now) {
        lastSeen = now;
    }

    public int load() {
        return sessions.size();
    }

    public int freeSlots() {
        return Math.max(0, capacity - sessions.size());
    }

    /** Whether its control stream is open right now. */
    public boolean online() {
        return link != null;
    }

    StreamObserver<ServerMessage> link() {
        return link;
    }

    /** The stream ended; only forgets it when it is still the current one (a reconnect may have replaced it). */
    boolean linkEnded(StreamObserver<ServerMessage> ended) {
        synchronized (this) {
            if (link != ended) return false;
            link = null;
            return true;
        }
    }

    /** Sends one message; false when the worker has no open stream or the send failed. */
    boolean send(ServerMessage m) {
        StreamObserver<ServerMessage> l = link;
        if (l == null) return false;
        synchronized (l) {
            try {
                l.onNext(m);
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }
    }

    /** Closes a stream with a status (replaced, expired); a stream already closed is left alone. */
    static void close(StreamObserver<ServerMessage> l, Status status) {
        if (l == null) return;
        synchronized (l) {
            try {
                l.onError(status.asRuntimeException());
            } catch (RuntimeException ignored) {
                // already closed by the peer
            }
        }
    }

    @Override
    public String toString() {
        return id + "(" + load() + "/" + capacity + (online() ? "" : ", offline") + ")";
    }
}
