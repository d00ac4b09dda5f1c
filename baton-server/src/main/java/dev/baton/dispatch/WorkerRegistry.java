package dev.baton.dispatch;

import dev.baton.grpc.v1.ServerMessage;
import io.grpc.stub.StreamObserver;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The workers the server knows: registered and not yet expired. A worker whose stream ended stays known
 * (offline, keeping its sessions) until the heartbeat expiry drops it, so a quick reconnect loses nothing.
 * Placing a session reserves a slot at once, so two agents starting together cannot overfill a worker.
 */
public final class WorkerRegistry {
    /** A worker with this label takes only agents of the profile it names; workers without it take any. */
    public static final String AGENT_LABEL = "agent";

    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, ConnectedWorker> workers = new LinkedHashMap<>();

    public WorkerRegistry(Clock clock) {
        this.clock = clock;
    }

    /**
     * What a registration found.
     *
     * @param previousSessions sessions the server had placed on this worker before (a reconnect), else empty
     * @param replacedLink     the stream this registration replaces, still open (close it), else null
     */
    public record Registration(ConnectedWorker worker, Set<String> previousSessions, StreamObserver<ServerMessage> replacedLink) {
    }

    public Registration register(String id, Map<String, String> labels, int capacity, Map<String, String> metadata, boolean ownWorkdir,
                                 StreamObserver<ServerMessage> link) {
        lock.lock();
        try {
            Instant now = clock.instant();
            ConnectedWorker w = workers.get(id);
            Registration r;
            if (w == null) {
                w = new ConnectedWorker(id, labels, capacity, metadata, ownWorkdir, link, now);
                workers.put(id, w);
                r = new Registration(w, Set.of(), null);
            } else {
                StreamObserver<ServerMessage> old = w.link();
                w.update(labels, capacity, metadata, ownWorkdir, link, now);
                r = new Registration(w, Set.copyOf(w.sessions), old);
            }
            changed.signalAll();
            return r;
        } finally {
            lock.unlock();
        }
    }

    public void heartbeat(ConnectedWorker w) {
        w.seen(clock.instant());
    }

    /** The worker's stream ended; it stays known until it expires or reconnects. */
    public boolean disconnected(ConnectedWorker w, StreamObserver<ServerMessage> link) {
        return w.linkEnded(link);
    }

    /**
     * Reserves a slot for a session on the least loaded online worker that accepts the agent, waiting up
     * to {@code wait} for one to register or free a slot.
     */
    public Optional<ConnectedWorker> reserve(String sessionId, String agentName, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        lock.lockInterruptibly();
        try {
            while (true) {
                Optional<ConnectedWorker> w = workers.values().stream()
                        .filter(ConnectedWorker::online)
                        .filter(c -> c.freeSlots() > 0)
                        .filter(c -> accepts(c, agentName))
                        .min(Comparator.comparingDouble((ConnectedWorker c) -> (double) c.load() / c.capacity())
                                .thenComparing(ConnectedWorker::freeSlots, Comparator.reverseOrder())
                                .thenComparing(ConnectedWorker::id));
                if (w.isPresent()) {
                    w.get().sessions.add(sessionId);
                    return w;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) return Optional.empty();
                changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Frees the slot a session held on a worker. */
    public void release(String sessionId, ConnectedWorker w) {
        lock.lock();
        try {
            if (w.sessions.remove(sessionId)) changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Drops and returns the workers not heard of since {@code cutoff}. */
    public List<ConnectedWorker> expire(Instant cutoff) {
        lock.lock();
        try {
            List<ConnectedWorker> gone = new ArrayList<>();
            workers.values().removeIf(w -> {
                if (!w.lastSeen().isBefore(cutoff)) return false;
                gone.add(w);
                return true;
            });
            return gone;
        } finally {
            lock.unlock();
        }
    }

    /** Workers with an open control stream. */
    public int online() {
        lock.lock();
        try {
            return (int) workers.values().stream().filter(ConnectedWorker::online).count();
        } finally {
            lock.unlock();
        }
    }

    public Optional<ConnectedWorker> worker(String id) {
        lock.lock();
        try {
            return Optional.ofNullable(workers.get(id));
        } finally {
            lock.unlock();
        }
    }

    public List<ConnectedWorker> workers() {
        lock.lock();
        try {
            return List.copyOf(workers.values());
        } finally {
            lock.unlock();
        }
    }

    /** Waits until at least {@code count} workers are online (tests, start-up). */
    public boolean awaitOnline(int count, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        lock.lockInterruptibly();
        try {
            while (online() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                changed.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    static boolean accepts(ConnectedWorker w, String agentName) {
        String only = w.labels().get(AGENT_LABEL);
        return only == null || only.equals(agentName);
    }
}
