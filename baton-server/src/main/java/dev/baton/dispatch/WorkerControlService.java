package dev.baton.dispatch;

import dev.baton.grpc.GrpcAuth;
import dev.baton.grpc.v1.Register;
import dev.baton.grpc.v1.Registered;
import dev.baton.grpc.v1.ServerMessage;
import dev.baton.grpc.v1.WorkerControlGrpc;
import dev.baton.grpc.v1.WorkerMessage;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server end of {@code WorkerControl.Connect}: the first message must be Register (the worker id comes
 * from the token when tokens are configured), then heartbeats and answers flow in while the dispatcher
 * sends work out. A second connection of the same worker replaces the first.
 */
public final class WorkerControlService extends WorkerControlGrpc.WorkerControlImplBase {
    private static final Logger log = LoggerFactory.getLogger(WorkerControlService.class);

    private final WorkerRegistry registry;
    private final RemoteSessions sessions;
    private final DispatchSettings settings;
    private final DispatchMetrics metrics;
    private final String serverVersion;

    public WorkerControlService(WorkerRegistry registry, RemoteSessions sessions, DispatchSettings settings, DispatchMetrics metrics, String serverVersion) {
        this.registry = registry;
        this.sessions = sessions;
        this.settings = settings;
        this.metrics = metrics;
        this.serverVersion = serverVersion == null ? "" : serverVersion;
    }

    @Override
    public StreamObserver<WorkerMessage> connect(StreamObserver<ServerMessage> out) {
        return new Connection(out);
    }

    /** One worker's stream: unregistered until its first message. */
    private final class Connection implements StreamObserver<WorkerMessage> {
        private final StreamObserver<ServerMessage> out;
        private final String correlationId = GrpcAuth.CORRELATION.get();
        private ConnectedWorker worker;
        private boolean closed;

        Connection(StreamObserver<ServerMessage> out) {
            this.out = out;
        }

        @Override
        public void onNext(WorkerMessage m) {
            if (closed) return;
            if (worker == null) {
                if (!m.hasRegister()) {
                    refuse(Status.INVALID_ARGUMENT.withDescription("the first message on WorkerControl.Connect must be Register, got " + m.getBodyCase()));
                    return;
                }
                register(m.getRegister());
                return;
            }
            switch (m.getBodyCase()) {
                case HEARTBEAT -> registry.heartbeat(worker);
                case AGENT_STARTED -> {
                    registry.heartbeat(worker);
                    sessions.onStarted(worker, m.getAgentStarted());
                }
                case TASK_RESULT -> {
                    registry.heartbeat(worker);
                    sessions.onResult(worker, m.getTaskResult());
                }
                default -> refuse(Status.INVALID_ARGUMENT.withDescription("worker " + worker.id() + " sent " + m.getBodyCase()
                        + " after registering; Register is allowed only as the first message"));
            }
        }

        private void register(Register r) {
            String id;
            try {
                id = GrpcAuth.effectiveWorkerId(r.getWorkerId());
            } catch (StatusRuntimeException e) {
                log.atWarn().addKeyValue("correlationId", correlationId).log("refusing worker registration '{}': {}", r.getWorkerId(), e.getStatus().getDescription());
                refuse(e.getStatus());
                return;
            }
            if (r.getCapacity() < 1) {
                refuse(Status.INVALID_ARGUMENT.withDescription("worker " + id + ": capacity must be at least 1, got " + r.getCapacity()));
                return;
            }
            WorkerRegistry.Registration reg = registry.register(id, r.getLabelsMap(), r.getCapacity(), r.getMetadataMap(), r.getOwnWorkdir(), out);
            worker = reg.worker();
            metrics.registrations.increment();
            if (reg.replacedLink() != null && reg.replacedLink() != out) {
                ConnectedWorker.close(reg.replacedLink(), Status.ABORTED.withDescription("replaced by a newer connection of worker " + id));
            }
            synchronized (out) {
                out.onNext(ServerMessage.newBuilder().setRegistered(Registered.newBuilder()
                        .setHeartbeatIntervalMs(settings.heartbeatInterval().toMillis())
                        .setHeartbeatExpiryMs(settings.heartbeatExpiry().toMillis())
                        .setServerVersion(serverVersion)).build());
            }
            log.atInfo().addKeyValue("correlationId", correlationId).addKeyValue("workerId", id)
                    .log("worker {} registered: capacity {}, labels {}, {} running session(s){}{}", id, r.getCapacity(), r.getLabelsMap(),
                            r.getRunningSessionsCount(), r.getOwnWorkdir() ? ", own workdir" : "", reg.previousSessions().isEmpty() ? "" : " (reconnect)");
            sessions.onRegistered(reg, r.getRunningSessionsList());
        }

        private void refuse(Status status) {
            closed = true;
            if (worker != null) registry.disconnected(worker, out);
            ConnectedWorker.close(out, status);
        }

        @Override
        public void onError(Throwable t) {
            ended("stream failed: " + Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            ended("stream closed by the worker");
            synchronized (out) {
                try {
                    out.onCompleted();
                } catch (RuntimeException ignored) {
                    // already closed
                }
            }
        }

        private void ended(String why) {
            closed = true;
            if (worker != null && registry.disconnected(worker, out)) {
                log.atInfo().addKeyValue("correlationId", correlationId).addKeyValue("workerId", worker.id())
                        .log("worker {} disconnected ({}); its sessions wait for it until the heartbeat expiry", worker.id(), why);
            }
        }
    }
}
