package dev.baton.dispatch;

import dev.baton.grpc.v1.AgentStarted;
import dev.baton.grpc.v1.ServerMessage;
import dev.baton.grpc.v1.StopAgent;
import dev.baton.grpc.v1.TaskResult;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions running on workers, by id: routes what workers answer to the waiting session, and moves
 * sessions when their worker restarts without them or expires.
 */
public final class RemoteSessions {
    private final Map<String, RemoteAgentSession> sessions = new ConcurrentHashMap<>();
    private final WorkerRegistry registry;

    public RemoteSessions(WorkerRegistry registry) {
        this.registry = registry;
    }

    void add(RemoteAgentSession s) {
        sessions.put(s.id(), s);
    }

    void remove(RemoteAgentSession s) {
        sessions.remove(s.id(), s);
    }

    java.util.Optional<RemoteAgentSession> find(String id) {
        return java.util.Optional.ofNullable(sessions.get(id));
    }

    public int size() {
        return sessions.size();
    }

    void onStarted(ConnectedWorker from, AgentStarted m) {
        RemoteAgentSession s = sessions.get(m.getSessionId());
        if (s != null) s.onStarted(from, m);
    }

    void onResult(ConnectedWorker from, TaskResult m) {
        RemoteAgentSession s = sessions.get(m.getSessionId());
        if (s != null) s.onResult(from, m);
    }

    /**
     * Reconciles a (re-)registration: sessions the worker still runs stay there (and get their query in flight
     * again, in case it was lost with the old stream); sessions it lost are placed again; sessions it runs
     * that the server has meanwhile moved or ended are stopped on it.
     */
    void onRegistered(WorkerRegistry.Registration r, List<String> running) {
        ConnectedWorker w = r.worker();
        Set<String> stillRunning = Set.copyOf(running);
        for (String id : r.previousSessions()) {
            RemoteAgentSession s = sessions.get(id);
            if (s == null) {
                registry.release(id, w);
            } else if (stillRunning.contains(id)) {
                s.resumedOn(w);
            } else if (s.worker().orElse(null) == w) {
                registry.release(id, w);
                s.workerLost(w, "worker " + w.id() + " came back without it (restarted)");
            }
        }
        for (String id : running) {
            if (!r.previousSessions().contains(id)) {
                w.send(ServerMessage.newBuilder().setStopAgent(StopAgent.newBuilder().setSessionId(id)
                        .setReason("session " + id + " is no longer assigned to worker " + w.id())).build());
            }
        }
    }

    /** The worker expired: every session on it moves. */
    void workerLost(ConnectedWorker w) {
        // Every session is told, not only those placed there: a start still waiting on that worker gives up too.
        for (RemoteAgentSession s : sessions.values()) s.workerLost(w, "worker " + w.id() + " expired");
    }
}
