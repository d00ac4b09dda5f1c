package dev.baton.dispatch;

import dev.baton.grpc.GrpcAuth;
import dev.baton.grpc.WorkerTokens;
import dev.baton.grpc.v1.Heartbeat;
import dev.baton.grpc.v1.Register;
import dev.baton.grpc.v1.ServerMessage;
import dev.baton.grpc.v1.WorkerControlGrpc;
import dev.baton.grpc.v1.WorkerMessage;
import dev.baton.worker.WorkerRuntime;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Registration, heartbeats and authentication of the control stream, over a real loopback socket. */
class WorkerControlServiceTest extends DispatchFixtureTest {
    static final String TOKEN_A = "token-of-worker-a-0123456789";
    static final String TOKEN_B = "token-of-worker-b-0123456789";

    @Override
    WorkerTokens tokens() {
        return WorkerTokens.parse("worker-a=" + TOKEN_A + ",worker-b=" + TOKEN_B);
    }

    /** A hand-driven control stream: what the server sent and how the call ended. */
    static final class RawStream implements StreamObserver<ServerMessage> {
        final List<ServerMessage> received = new CopyOnWriteArrayList<>();
        final CompletableFuture<Status> ended = new CompletableFuture<>();
        StreamObserver<WorkerMessage> out;

        static RawStream open(ManagedChannel channel, String token) {
            RawStream s = new RawStream();
            WorkerControlGrpc.WorkerControlStub stub = WorkerControlGrpc.newStub(channel);
            if (token != null) stub = stub.withCallCredentials(GrpcAuth.bearer(token));
            s.out = stub.connect(s);
            return s;
        }

        void send(WorkerMessage m) {
            out.onNext(m);
        }

        @Override
        public void onNext(ServerMessage m) {
            received.add(m);
        }

        @Override
        public void onError(Throwable t) {
            ended.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            ended.complete(Status.OK);
        }

        Status status() {
            return ended.orTimeout(20, java.util.concurrent.TimeUnit.SECONDS).join();
        }
    }

    static WorkerMessage register(String id, int capacity) {
        return WorkerMessage.newBuilder().setRegister(Register.newBuilder().setWorkerId(id).setCapacity(capacity)
                .putLabels("gpu", "no").putMetadata("pod_name", "pod-1")).build();
    }

    @Test
    void registersAnnouncesHeartbeatSettingsAndTracksHeartbeats() {
        RawStream s = RawStream.open(f.channel(), TOKEN_A);
        s.send(register("worker-a", 3));

        await().atMost(Duration.ofSeconds(20)).until(() -> !s.received.isEmpty());
        ServerMessage first = s.received.getFirst();
        assertThat(first.hasRegistered()).isTrue();
        assertThat(first.getRegistered().getHeartbeatIntervalMs()).isEqualTo(200);
        assertThat(first.getRegistered().getHeartbeatExpiryMs()).isEqualTo(15_000);
        ConnectedWorker w = f.registry.worker("worker-a").orElseThrow();
        assertThat(w.capacity()).isEqualTo(3);
        assertThat(w.labels()).containsEntry("gpu", "no");
        assertThat(w.metadata()).containsEntry("pod_name", "pod-1");
        assertThat(f.registry.online()).isEqualTo(1);
        assertThat(f.meters.get("worker.connected").gauge().value()).isEqualTo(1.0);

        f.clock.advance(Duration.ofSeconds(10));
        s.send(WorkerMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setFreeSlots(3)).build());
        await().atMost(Duration.ofSeconds(20)).until(() -> w.lastSeen().equals(f.clock.instant()));

        s.out.onCompleted();
        await().atMost(Duration.ofSeconds(20)).until(() -> f.registry.online() == 0);
        // Disconnected is not gone: it stays known (with its sessions) until the expiry.
        assertThat(f.registry.worker("worker-a")).isPresent();
    }

    @Test
    void aWorkerRuntimeRegistersAndHeartbeats() {
        WorkerRuntime runtime = f.worker("worker-b", TOKEN_B, 2);
        await().atMost(Duration.ofSeconds(20)).until(runtime::connected);
        ConnectedWorker w = f.registry.worker("worker-b").orElseThrow();
        f.clock.advance(Duration.ofSeconds(5));
        // Heartbeats every 200 ms, as the server announced.
        await().atMost(Duration.ofSeconds(20)).until(() -> w.lastSeen().equals(f.clock.instant()));
    }

    @Test
    void missingTokenIsUnauthenticated() {
        RawStream s = RawStream.open(f.channel(), null);
        s.send(register("worker-a", 1));
        Status status = s.status();
        assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(status.getDescription()).contains("missing bearer token");
        assertThat(f.registry.workers()).isEmpty();
    }

    @Test
    void wrongTokenIsUnauthenticated() {
        RawStream s = RawStream.open(f.channel(), "not-a-token-of-anyone-at-all");
        s.send(register("worker-a", 1));
        assertThat(s.status().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(f.registry.workers()).isEmpty();
    }

    @Test
    void claimingAnotherWorkersIdIsPermissionDenied() {
        RawStream s = RawStream.open(f.channel(), TOKEN_A);
        s.send(register("worker-b", 1));
        Status status = s.status();
        assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(status.getDescription()).contains("worker-b", "worker-a");
        assertThat(f.registry.workers()).isEmpty();
    }

    @Test
    void zeroCapacityOrAnotherFirstMessageIsInvalid() {
        RawStream zero = RawStream.open(f.channel(), TOKEN_A);
        zero.send(register("worker-a", 0));
        Status status = zero.status();
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains("capacity must be at least 1");

        RawStream noRegister = RawStream.open(f.channel(), TOKEN_A);
        noRegister.send(WorkerMessage.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build());
        Status second = noRegister.status();
        assertThat(second.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(second.getDescription()).contains("first message", "Register");
    }

    @Test
    void aSecondConnectionOfTheSameWorkerReplacesTheFirst() {
        RawStream first = RawStream.open(f.channel(), TOKEN_A);
        first.send(register("worker-a", 1));
        await().atMost(Duration.ofSeconds(20)).until(() -> !first.received.isEmpty());

        RawStream second = RawStream.open(f.channel(), TOKEN_A);
        second.send(register("worker-a", 2));

        Status status = first.status();
        assertThat(status.getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(status.getDescription()).contains("replaced");
        await().atMost(Duration.ofSeconds(20)).until(() -> !second.received.isEmpty());
        assertThat(f.registry.workers()).hasSize(1);
        assertThat(f.registry.worker("worker-a").orElseThrow().capacity()).isEqualTo(2);
        // The end of the replaced stream does not take the new one offline.
        assertThat(f.registry.online()).isEqualTo(1);
    }
}
