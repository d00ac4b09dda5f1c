package dev.baton.server;

import dev.baton.dispatch.LocalWorker;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the embedded worker right after the gRPC server and stops it right before: the engine (which stops
 * first) has paused its agents by then, and the worker's last log lines still reach the log store.
 */
final class LocalWorkerLifecycle implements SmartLifecycle {
    private final LocalWorker worker;
    private volatile boolean running;

    LocalWorkerLifecycle(LocalWorker worker) {
        this.worker = worker;
    }

    @Override
    public void start() {
        worker.start();
        running = true;
    }

    @Override
    public void stop() {
        worker.close();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return GrpcServerLifecycle.PHASE + 1;
    }
}
