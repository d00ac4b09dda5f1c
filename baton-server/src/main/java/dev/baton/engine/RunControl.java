package dev.baton.engine;

import dev.baton.agent.AgentSession;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The handle of one active run: how the outside asks it to stop, and how it waits until it has. */
final class RunControl {
    enum StopReason {
        /** Pause: the run ends PAUSED and resumes after its last valid checkpoint. */
        PAUSE,
        /** Shutdown: like pause, but because the server is going down. */
        SHUTDOWN,
        CANCEL
    }

    private volatile StopReason stopReason;
    private volatile AgentSession session;
    private final CountDownLatch done = new CountDownLatch(1);

    StopReason stopReason() {
        return stopReason;
    }

    boolean stopRequested() {
        return stopReason != null;
    }

    /** Asks the run to stop and kills its agent's process tree (blocks up to the agent stop timeout). */
    void stop(StopReason reason) {
        if (stopReason == null || reason == StopReason.CANCEL) stopReason = reason;
        AgentSession s = session;
        if (s != null) s.stop();
    }

    /** Attaches the running agent; if a stop came in meanwhile the agent is stopped at once. */
    void attach(AgentSession s) {
        session = s;
        if (stopReason != null) s.stop();
    }

    void detach() {
        session = null;
    }

    void finished() {
        done.countDown();
    }

    boolean awaitFinished(Duration timeout) throws InterruptedException {
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
