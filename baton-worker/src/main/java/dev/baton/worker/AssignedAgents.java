package dev.baton.worker;

import dev.baton.agent.AgentLauncher;
import dev.baton.agent.AgentResult;
import dev.baton.agent.AgentSession;
import dev.baton.agent.AgentStart;
import dev.baton.grpc.v1.AgentStarted;
import dev.baton.grpc.v1.RunTask;
import dev.baton.grpc.v1.StartAgent;
import dev.baton.grpc.v1.StopAgent;
import dev.baton.grpc.v1.TaskResult;
import dev.baton.grpc.v1.WorkerMessage;
import dev.baton.worker.logs.AgentLogSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The agents a worker runs for the server, one per session id, on the same {@link AgentLauncher} the engine
 * uses locally. Every command is idempotent, because after a reconnect the server repeats what it is not sure
 * arrived: a repeated StartAgent answers the running session again, a repeated RunTask of the running task is
 * ignored (its result will come), and one of the last finished task re-sends that result.
 */
final class AssignedAgents {
    private static final Logger log = LoggerFactory.getLogger(AssignedAgents.class);
    /** Added to every agent's environment: which worker runs it. */
    static final String WORKER_ID_ENV = "BATON_WORKER_ID";

    private final AgentLauncher launcher;
    private final AgentLogSink sink;
    private final String workerId;
    private final int capacity;
    private final Consumer<WorkerMessage> reply;
    /** Null when the worker sees the server's data folder (a shared volume) and runs agents in the server's workspaces. */
    private final OwnWorkdir workdir;
    private final Map<String, Assigned> sessions = new ConcurrentHashMap<>();
    private final Counter tasks;
    private final Counter rejected;

    /** One assigned agent: its session (null while starting) and the last task it ran. */
    private static final class Assigned {
        final StartAgent start;
        volatile AgentSession session;
        volatile String runningTask;
        volatile TaskResult lastResult;

        Assigned(StartAgent start) {
            this.start = start;
        }
    }

    AssignedAgents(AgentLauncher launcher, AgentLogSink sink, String workerId, int capacity, Consumer<WorkerMessage> reply, MeterRegistry meters) {
        this(launcher, sink, workerId, capacity, reply, meters, null);
    }

    AssignedAgents(AgentLauncher launcher, AgentLogSink sink, String workerId, int capacity, Consumer<WorkerMessage> reply, MeterRegistry meters,
                   OwnWorkdir workdir) {
        this.launcher = launcher;
        this.workdir = workdir;
        this.sink = sink;
        this.workerId = workerId;
        this.capacity = capacity;
        this.reply = reply;
        this.tasks = Counter.builder("worker.tasks.completed").description("Tasks this worker ran to an answer").register(meters);
        this.rejected = Counter.builder("worker.agents.rejected").description("StartAgent refused because the worker was full").register(meters);
        Gauge.builder("worker.agents.running", sessions, Map::size).description("Agent sessions this worker holds").register(meters);
    }

    List<String> running() {
        return new ArrayList<>(sessions.keySet());
    }

    int freeSlots() {
        return Math.max(0, capacity - sessions.size());
    }

    void start(StartAgent m) {
        String id = m.getSessionId();
        Assigned existing = sessions.get(id);
        if (existing != null) {
            // A repeat after a reconnect: the session already runs (or is starting, and will answer itself).
            AgentSession s = existing.session;
            if (s != null) reply.accept(started(id, true, s.pid().orElse(0), ""));
            return;
        }
        synchronized (sessions) {
            if (sessions.size() >= capacity) {
                rejected.increment();
                log.warn("worker {} refuses session {} of workflow {}: all {} slots are busy", workerId, id, m.getWorkflowId(), capacity);
                reply.accept(started(id, false, 0, "worker full: " + workerId + " already runs " + capacity + " agent(s)"));
                return;
            }
            sessions.put(id, new Assigned(m));
        }
        Thread.ofVirtual().name("agent-start-" + id).start(() -> launch(m));
    }

    private void launch(StartAgent m) {
        String id = m.getSessionId();
        Assigned a = sessions.get(id);
        if (a == null) return; // stopped before it started
        try {
            Path workspace;
            Map<String, String> env;
            if (workdir != null) {
                OwnWorkdir.Prepared p = workdir.prepare(m);
                workspace = p.workspace();
                env = new HashMap<>(p.env());
            } else {
                workspace = Path.of(m.getWorkspace());
                if (!Files.isDirectory(workspace)) {
                    // Without a workdir of its own, agents run in the workspace the server prepared in its data folder.
                    throw new IllegalStateException("its workspace " + workspace + " is not on this machine: run the worker with --workdir DIR"
                            + " (it then fetches the repositories), or mount the server's data folder at the same path"
                            + " (see README \"Workers and live logs\")");
                }
                env = new HashMap<>(m.getEnvMap());
            }
            env.put(WORKER_ID_ENV, workerId);
            AgentStart start = new AgentStart(
                    AgentMessages.fromProto(m.getProfile(), AgentMessages.millisOrNull(m.getStartTimeoutMs()), AgentMessages.millisOrNull(m.getQueryTimeoutMs())),
                    workspace, AgentMessages.emptyToNull(m.getModel()), env,
                    AgentMessages.millisOrNull(m.getStartTimeoutMs()), AgentMessages.millisOrNull(m.getQueryTimeoutMs()),
                    AgentMessages.millisOrNull(m.getStopTimeoutMs()),
                    dev.baton.worker.logs.LogSinkListener.of(sink, m.getWorkflowId()));
            AgentSession session = launcher.start(start);
            a.session = session;
            log.info("worker {} started agent '{}' session {} for workflow {} (correlation {})", workerId, m.getProfile().getName(), id,
                    m.getWorkflowId(), m.getCorrelationId());
            reply.accept(started(id, true, session.pid().orElse(0), ""));
        } catch (RuntimeException e) {
            sessions.remove(id);
            if (workdir != null) workdir.forget(id);
            log.warn("worker {} cannot start session {} of workflow {}: {}", workerId, id, m.getWorkflowId(), e.getMessage());
            reply.accept(started(id, false, 0, "cannot start agent '" + m.getProfile().getName() + "' on worker " + workerId + ": " + e.getMessage()));
        }
    }

    void run(RunTask m) {
        String id = m.getSessionId();
        Assigned a = sessions.get(id);
        if (a == null || a.session == null) {
            reply.accept(WorkerMessage.newBuilder().setTaskResult(TaskResult.newBuilder().setSessionId(id).setTaskId(m.getTaskId())
                    .setOutcome(TaskResult.Outcome.START_FAILED).setExitCode(-1)
                    .setError("worker " + workerId + " " + AgentMessages.NO_SUCH_SESSION + " " + id + " (restarted?)")).build());
            return;
        }
        synchronized (a) {
            TaskResult last = a.lastResult;
            if (last != null && last.getTaskId().equals(m.getTaskId())) {
                reply.accept(WorkerMessage.newBuilder().setTaskResult(last).build());
                return;
            }
            if (m.getTaskId().equals(a.runningTask)) return;
            a.runningTask = m.getTaskId();
        }
        Thread.ofVirtual().name("agent-task-" + m.getTaskId()).start(() -> query(a, m));
    }

    private void query(Assigned a, RunTask m) {
        AgentResult r;
        try {
            if (workdir != null) workdir.refresh(m.getSessionId(), a.start.getCorrelationId(), m.getTreesMap());
            r = a.session.query(m.getTaskId(), m.getQuery());
            if (workdir != null && r.outcome() != AgentResult.Outcome.STOPPED) {
                String notSent = workdir.push(m.getSessionId(), m.getTaskId(), a.start.getCorrelationId());
                // The server does not have what the agent did: the task cannot count as done.
                if (notSent != null) r = new AgentResult(AgentResult.Outcome.FAILED, r.exitCode(), r.output(), r.stderrTail(), r.duration(), notSent);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r = new AgentResult(AgentResult.Outcome.STOPPED, -1, "", "", Duration.ZERO, "worker " + workerId + " is shutting down");
        } catch (RuntimeException e) {
            r = new AgentResult(AgentResult.Outcome.FAILED, -1, "", "", Duration.ZERO, "worker " + workerId + ": " + e);
        }
        TaskResult result = AgentMessages.toProto(m.getSessionId(), m.getTaskId(), r);
        synchronized (a) {
            a.lastResult = result;
            a.runningTask = null;
        }
        tasks.increment();
        log.info("worker {} finished task {} of session {}: {}", workerId, m.getTaskId(), m.getSessionId(), r.outcome());
        reply.accept(WorkerMessage.newBuilder().setTaskResult(result).build());
    }

    /**
     * Stops the session's process tree, then acknowledges with a TaskResult whose task_id is empty and
     * outcome STOPPED, so that the server's {@code stop()} returns when the tree is really gone.
     */
    void stop(StopAgent m) {
        String id = m.getSessionId();
        Assigned a = sessions.get(id);
        Thread.ofVirtual().name("agent-stop-" + id).start(() -> {
            if (a != null) {
                AgentSession s = a.session;
                if (s != null) s.stop();
                sessions.remove(id);
                if (workdir != null) workdir.forget(id);
                log.info("worker {} stopped session {} ({})", workerId, id, m.getReason());
            }
            reply.accept(stopAck(id));
        });
    }

    static WorkerMessage stopAck(String sessionId) {
        return WorkerMessage.newBuilder().setTaskResult(TaskResult.newBuilder().setSessionId(sessionId).setTaskId("")
                .setOutcome(TaskResult.Outcome.STOPPED).setExitCode(-1).setError("agent stopped")).build();
    }

    /** Stops every agent (in parallel, each with its own stop timeout); used at shutdown. */
    void stopAll() {
        List<Thread> stops = new ArrayList<>();
        for (Assigned a : sessions.values()) {
            AgentSession s = a.session;
            if (s != null) stops.add(Thread.ofVirtual().start(s::stop));
        }
        for (Thread t : stops) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        // The workspaces hold MCP configs with resolved secrets: they go with the agents.
        if (workdir != null) sessions.keySet().forEach(workdir::forget);
        sessions.clear();
    }

    private static WorkerMessage started(String id, boolean ok, long pid, String error) {
        return WorkerMessage.newBuilder().setAgentStarted(AgentStarted.newBuilder().setSessionId(id).setOk(ok).setPid(pid).setError(error)).build();
    }
}
