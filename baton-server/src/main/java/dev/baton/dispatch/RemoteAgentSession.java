package dev.baton.dispatch;

import dev.baton.agent.AgentResult;
import dev.baton.agent.AgentSession;
import dev.baton.grpc.v1.AgentStarted;
import dev.baton.grpc.v1.RunTask;
import dev.baton.grpc.v1.ServerMessage;
import dev.baton.grpc.v1.StartAgent;
import dev.baton.grpc.v1.StopAgent;
import dev.baton.grpc.v1.TaskResult;
import dev.baton.worker.AgentMessages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An agent session that runs on a worker. It survives its worker: when the worker expires the session is
 * started again on another one and the query in flight is re-sent there, so to the engine the query just
 * takes longer. Only when no worker takes it before the query timeout does the query answer TIMED_OUT.
 */
final class RemoteAgentSession implements AgentSession {
    private static final Logger log = LoggerFactory.getLogger(RemoteAgentSession.class);
    /** How often a homeless session looks again for a worker (it is also woken by every registration). */
    private static final Duration RELOCATE_POLL = Duration.ofSeconds(1);

    private final String id;
    private final StartAgent start;
    private final Timeouts timeouts;
    private final WorkerRegistry registry;
    private final RemoteSessions table;
    private final DispatchMetrics metrics;
    private final WorkspaceOffer workspaces;
    private final SessionTransfers transfers;
    private final ReentrantLock queries = new ReentrantLock();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final CompletableFuture<Void> stopDone = new CompletableFuture<>();
    private final CompletableFuture<Void> stopAck = new CompletableFuture<>();
    private volatile ConnectedWorker worker;
    private volatile long pid;
    private volatile String startError;
    private volatile Pending pending;
    private volatile Starting starting;

    record Timeouts(Duration start, Duration query, Duration stop, Duration margin) {
    }

    /** A StartAgent waiting for its AgentStarted from one worker. */
    private record Starting(ConnectedWorker on, CompletableFuture<AgentStarted> answer) {
    }

    /** The query in flight. */
    private static final class Pending {
        final String taskId;
        final String query;
        final CompletableFuture<TaskResult> answer = new CompletableFuture<>();
        final long startedNanos;
        /** Past this with no worker holding the session, the query answers TIMED_OUT. */
        final long noWorkerDeadlineNanos;
        /** When the engine stops waiting; pushed back when the query is re-sent to another worker. */
        volatile long deadlineNanos;

        Pending(String taskId, String query, Timeouts t) {
            this.taskId = taskId;
            this.query = query;
            this.startedNanos = System.nanoTime();
            this.noWorkerDeadlineNanos = startedNanos + t.query().toNanos();
            this.deadlineNanos = noWorkerDeadlineNanos + t.margin().toNanos();
        }
    }

    RemoteAgentSession(String id, StartAgent start, Timeouts timeouts, WorkerRegistry registry, RemoteSessions table, DispatchMetrics metrics,
                       WorkspaceOffer workspaces) {
        this.id = id;
        this.start = start;
        this.timeouts = timeouts;
        this.registry = registry;
        this.table = table;
        this.metrics = metrics;
        this.workspaces = workspaces;
        this.transfers = new SessionTransfers(start);
    }

    String id() {
        return id;
    }

    String workflowId() {
        return start.getWorkflowId();
    }

    String correlationId() {
        return start.getCorrelationId();
    }

    Optional<ConnectedWorker> worker() {
        return Optional.ofNullable(worker);
    }

    /** Whether the session runs, or is being started, on that worker: only it may fetch or push the session's repositories. */
    boolean placedOn(String workerId) {
        ConnectedWorker w = worker;
        Starting s = starting;
        return (w != null && w.id().equals(workerId)) || (s != null && s.on().id().equals(workerId));
    }

    /** What the workspace transfer keeps for this session (own-workdir workers only). */
    SessionTransfers transfers() {
        return transfers;
    }

    /**
     * Places the session on a worker, waiting up to the start timeout for one. Never throws for a missing or
     * failing worker: the reason is kept and every query answers START_FAILED with it, as a local agent
     * that cannot be executed does.
     */
    void place() throws InterruptedException {
        long deadline = System.nanoTime() + timeouts.start().toNanos();
        String lastError = null;
        while (!stopped.get()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) break;
            Optional<ConnectedWorker> w = registry.reserve(id, agentName(), Duration.ofNanos(left));
            if (w.isEmpty()) break;
            Attempt a = startOn(w.get(), deadline);
            if (a == Attempt.STARTED) return;
            lastError = a.error;
            if (!a.retry) break;
        }
        startError = lastError != null ? lastError
                : "no worker connected: nobody took agent '" + agentName() + "' within " + seconds(timeouts.start());
        log.atWarn().addKeyValue("correlationId", correlationId()).addKeyValue("workflowId", workflowId())
                .log("session {} of agent '{}' could not start: {}", id, agentName(), startError);
    }

    private record Attempt(boolean retry, String error) {
        static final Attempt STARTED = new Attempt(false, null);
    }

    private Attempt startOn(ConnectedWorker w, long deadlineNanos) throws InterruptedException {
        Starting s = new Starting(w, new CompletableFuture<>());
        starting = s;
        StartAgent message;
        try {
            message = w.ownWorkdir() ? workspaces.forOwnWorkdir(start) : start;
        } catch (RuntimeException e) {
            registry.release(id, w);
            return new Attempt(false, e.getMessage());
        }
        if (!w.send(ServerMessage.newBuilder().setStartAgent(message).build())) {
            registry.release(id, w);
            return new Attempt(true, "cannot reach worker " + w.id());
        }
        metrics.assignments.increment();
        log.atInfo().addKeyValue("correlationId", correlationId()).addKeyValue("workerId", w.id())
                .log("session {} of agent '{}' for workflow {} assigned to worker {}", id, agentName(), workflowId(), w.id());
        AgentStarted a;
        try {
            a = awaitStarted(s, deadlineNanos);
        } catch (TimeoutException e) {
            registry.release(id, w);
            w.send(stopMessage("no AgentStarted within the start timeout"));
            return new Attempt(false, "worker " + w.id() + " did not confirm the start of agent '" + agentName() + "' within " + seconds(timeouts.start()));
        } catch (ExecutionException e) {
            registry.release(id, w);
            return new Attempt(true, "worker " + w.id() + " went away while starting the agent");
        } finally {
            starting = null;
        }
        if (!a.getOk()) {
            registry.release(id, w);
            return new Attempt(a.getError().startsWith("worker full"), a.getError());
        }
        pid = a.getPid();
        worker = w;
        if (stopped.get()) {
            // stop() ran while this start was on its way: it could not know the worker, so stop here.
            worker = null;
            w.send(stopMessage("stopped while starting"));
            registry.release(id, w);
        }
        return Attempt.STARTED;
    }

    /**
     * The worker's AgentStarted. While an own-workdir worker fetches the session's repositories (a large first
     * bundle may take minutes) the start timeout does not run out: it counts again from the end of the last fetch.
     */
    private AgentStarted awaitStarted(Starting s, long deadlineNanos) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = deadlineNanos;
        while (true) {
            try {
                return s.answer().get(Math.max(1, Math.min(deadline - System.nanoTime(), RELOCATE_POLL.toNanos())), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (transfers.fetching()) deadline = Math.max(deadline, System.nanoTime() + timeouts.start().toNanos());
                else if (System.nanoTime() >= deadline) throw e;
            }
        }
    }

    @Override
    public AgentResult query(String taskId, String query) throws InterruptedException {
        queries.lockInterruptibly();
        try {
            if (stopped.get()) return stoppedResult(Duration.ZERO);
            String failed = startError;
            if (failed != null) return new AgentResult(AgentResult.Outcome.START_FAILED, -1, "", "", Duration.ZERO, failed);
            Pending p = new Pending(taskId, query, timeouts);
            pending = p;
            ConnectedWorker w = worker;
            // Not delivered (worker away)? A reconnect or a relocation re-sends it.
            if (w != null) w.send(runTask(p, w));
            return AgentMessages.fromProto(await(p));
        } finally {
            pending = null;
            queries.unlock();
        }
    }

    private TaskResult await(Pending p) throws InterruptedException {
        while (true) {
            long left = p.deadlineNanos - System.nanoTime();
            if (left <= 0) {
                p.answer.complete(timedOut(p, "no answer from a worker within " + seconds(timeouts.query()) + " (+" + seconds(timeouts.margin()) + ")"));
                return p.answer.join();
            }
            try {
                return p.answer.get(Math.min(left, RELOCATE_POLL.toNanos()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // look at the (possibly pushed back) deadline again
            } catch (ExecutionException e) {
                throw new IllegalStateException("answers are never completed exceptionally", e);
            } catch (InterruptedException e) {
                // As a local session kills its process when its caller is interrupted: the answer could not be delivered.
                Thread.ofVirtual().start(this::stop);
                throw e;
            }
        }
    }

    void onStarted(ConnectedWorker from, AgentStarted a) {
        Starting s = starting;
        if (s != null && s.on() == from) s.answer().complete(a);
    }

    void onResult(ConnectedWorker from, TaskResult r) {
        if (r.getTaskId().isEmpty()) {
            stopAck.complete(null);
            return;
        }
        if (r.getOutcome() == TaskResult.Outcome.START_FAILED && r.getError().contains(AgentMessages.NO_SUCH_SESSION)) {
            // The worker restarted and lost the agent: start it again somewhere (maybe on the same worker).
            registry.release(id, from);
            workerLost(from, "worker " + from.id() + " no longer runs it");
            return;
        }
        Pending p = pending;
        if (p != null && p.taskId.equals(r.getTaskId())) p.answer.complete(r);
    }

    /** The worker reconnected and still runs this session: re-send the query in flight in case it was lost. */
    void resumedOn(ConnectedWorker w) {
        Pending p = pending;
        if (worker == w && p != null && !p.answer.isDone()) w.send(runTask(p, w));
    }

    /** The worker expired or lost the agent: move the session to another worker, in the background. */
    void workerLost(ConnectedWorker w, String why) {
        Starting s = starting;
        if (s != null && s.on() == w) s.answer().completeExceptionally(new IllegalStateException(why));
        synchronized (this) {
            if (worker != w) return;
            worker = null;
        }
        if (stopped.get()) return;
        log.atWarn().addKeyValue("correlationId", correlationId()).addKeyValue("workerId", w.id())
                .log("session {} of workflow {} lost worker {} ({}): re-queueing", id, workflowId(), w.id(), why);
        Thread.ofVirtual().name("relocate-" + id).start(this::relocate);
    }

    private void relocate() {
        try {
            while (!stopped.get()) {
                Pending p = pending;
                if (p != null && !p.answer.isDone() && System.nanoTime() > p.noWorkerDeadlineNanos) {
                    p.answer.complete(timedOut(p, "no worker took the re-queued task within " + seconds(timeouts.query())));
                }
                Optional<ConnectedWorker> w = registry.reserve(id, agentName(), RELOCATE_POLL);
                if (w.isEmpty()) continue;
                Attempt a = startOn(w.get(), System.nanoTime() + timeouts.start().toNanos());
                if (a == Attempt.STARTED) {
                    moved(w.get());
                    return;
                }
                if (!a.retry) {
                    startError = a.error;
                    Pending q = pending;
                    if (q != null) q.answer.complete(TaskResult.newBuilder().setSessionId(id).setTaskId(q.taskId)
                            .setOutcome(TaskResult.Outcome.START_FAILED).setExitCode(-1).setError(a.error).build());
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void moved(ConnectedWorker w) {
        Pending p = pending;
        boolean inFlight = p != null && !p.answer.isDone();
        log.atInfo().addKeyValue("correlationId", correlationId()).addKeyValue("workerId", w.id())
                .log("session {} of workflow {} re-queued on worker {}{}", id, workflowId(), w.id(), inFlight ? " with task " + p.taskId : "");
        if (inFlight) {
            p.deadlineNanos = System.nanoTime() + timeouts.query().toNanos() + timeouts.margin().toNanos();
            metrics.requeued.increment();
            w.send(runTask(p, w));
        }
    }

    /**
     * Answers the running query STOPPED at once, tells the worker to stop the process tree and waits (at most
     * the stop timeout and the margin) for its confirmation that the tree is gone.
     */
    @Override
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            stopDone.join();
            return;
        }
        try {
            Pending p = pending;
            if (p != null) p.answer.complete(TaskResult.newBuilder().setSessionId(id).setTaskId(p.taskId)
                    .setOutcome(TaskResult.Outcome.STOPPED).setExitCode(-1).setError("agent stopped")
                    .setDurationMs(Duration.ofNanos(System.nanoTime() - p.startedNanos).toMillis()).build());
            ConnectedWorker w;
            synchronized (this) {
                w = worker;
                worker = null;
            }
            if (w != null) {
                if (w.send(stopMessage("stopped by the engine"))) {
                    try {
                        stopAck.get(timeouts.stop().plus(timeouts.margin()).toMillis(), TimeUnit.MILLISECONDS);
                    } catch (TimeoutException | ExecutionException e) {
                        log.warn("worker {} did not confirm the stop of session {} in time", w.id(), id);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                registry.release(id, w);
            }
        } finally {
            table.remove(this);
            stopDone.complete(null);
        }
    }

    @Override
    public OptionalLong pid() {
        long p = pid;
        return p > 0 && worker != null ? OptionalLong.of(p) : OptionalLong.empty();
    }

    private String agentName() {
        return start.getProfile().getName();
    }

    private ServerMessage runTask(Pending p, ConnectedWorker to) {
        RunTask.Builder m = RunTask.newBuilder().setSessionId(id).setTaskId(p.taskId).setQuery(p.query);
        if (to.ownWorkdir()) m.putAllTrees(workspaces.trees(start));
        return ServerMessage.newBuilder().setRunTask(m).build();
    }

    private ServerMessage stopMessage(String reason) {
        return ServerMessage.newBuilder().setStopAgent(StopAgent.newBuilder().setSessionId(id).setReason(reason)).build();
    }

    private TaskResult timedOut(Pending p, String why) {
        return TaskResult.newBuilder().setSessionId(id).setTaskId(p.taskId).setOutcome(TaskResult.Outcome.TIMED_OUT).setExitCode(-1)
                .setError(why).setDurationMs(Duration.ofNanos(System.nanoTime() - p.startedNanos).toMillis()).build();
    }

    private static AgentResult stoppedResult(Duration d) {
        return new AgentResult(AgentResult.Outcome.STOPPED, -1, "", "", d, "agent stopped");
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
