package dev.baton.agent.process;

import dev.baton.agent.AgentResult;
import dev.baton.agent.AgentSession;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What both session kinds share: one query at a time, a timeout per query, and a {@link #stop()} that
 * may come from any thread. Each running query waits on a {@link Signal} future; whichever event
 * completes it first (answer, process end, stop, timeout) decides the outcome, so a stop racing with a
 * normal exit cannot produce two answers.
 */
abstract sealed class ProcessSession implements AgentSession permits OneshotSession, StreamJsonSession {

    /** What ended the wait of a query. */
    enum Signal { ANSWERED, ENDED, STOPPED, TIMED_OUT }

    final Launch launch;
    private final ReentrantLock queries = new ReentrantLock();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final CompletableFuture<Void> stopDone = new CompletableFuture<>();
    private volatile AgentProcess current;
    private volatile CompletableFuture<Signal> pending;

    ProcessSession(Launch launch) {
        this.launch = launch;
    }

    @Override
    public final AgentResult query(String taskId, String query) throws InterruptedException {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(query, "query");
        queries.lockInterruptibly();
        try {
            long started = System.nanoTime();
            if (stopped.get()) return Results.stopped("", "", Duration.ZERO);
            return ask(taskId, query, started);
        } finally {
            queries.unlock();
        }
    }

    /** Runs one query; called with the query lock held and the session not stopped. */
    abstract AgentResult ask(String taskId, String query, long startedNanos) throws InterruptedException;

    /**
     * Makes {@code process} and {@code signal} visible to {@link #stop()}. Returns false when the session
     * was stopped meanwhile: the caller then kills the process itself and answers STOPPED. (stop() sets
     * its flag before reading these fields and this method writes them before reading the flag, so at
     * least one side sees the other.)
     */
    final boolean publish(AgentProcess process, CompletableFuture<Signal> signal) {
        current = process;
        pending = signal;
        return !stopped.get();
    }

    final void unpublish() {
        pending = null;
    }

    final AgentProcess current() {
        return current;
    }

    /**
     * Waits for the signal at most the query timeout. A timeout completes the signal itself, so an answer
     * arriving at the same moment either wins completely or not at all. When the caller is interrupted
     * the process tree is killed (its answer could no longer be delivered) and the interrupt propagates.
     */
    final Signal await(CompletableFuture<Signal> signal, AgentProcess process) throws InterruptedException {
        try {
            return signal.get(launch.queryTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            signal.complete(Signal.TIMED_OUT);
            return signal.join();
        } catch (ExecutionException e) {
            throw new IllegalStateException("signals are never completed exceptionally", e);
        } catch (InterruptedException e) {
            process.kill(launch.stopTimeout());
            throw e;
        }
    }

    static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /**
     * Stops the session for good: the running query (if any) answers STOPPED at once, the process tree
     * gets SIGTERM and, after the stop timeout, SIGKILL. Returns when the tree is gone; a concurrent
     * second call waits for the first.
     */
    @Override
    public final void stop() {
        if (!stopped.compareAndSet(false, true)) {
            stopDone.join();
            return;
        }
        try {
            AgentProcess process = current;
            CompletableFuture<Signal> signal = pending;
            if (signal != null) signal.complete(Signal.STOPPED);
            if (process != null && process.isAlive()) process.kill(launch.stopTimeout());
        } finally {
            stopDone.complete(null);
        }
    }

    @Override
    public final OptionalLong pid() {
        // Once stop() returned the tree is gone, even when the JDK's reaper thread has not yet marked the
        // Process dead (it lags under load; pid() right after stop() then still answered the old pid).
        if (stopDone.isDone()) return OptionalLong.empty();
        AgentProcess process = current;
        return process != null && process.isAlive() ? OptionalLong.of(process.pid()) : OptionalLong.empty();
    }
}
