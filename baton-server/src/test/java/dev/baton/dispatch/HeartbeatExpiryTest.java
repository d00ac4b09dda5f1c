package dev.baton.dispatch;

import dev.baton.agent.AgentResult;
import dev.baton.agent.AgentResult.Outcome;
import dev.baton.agent.AgentSession;
import dev.baton.worker.WorkerRuntime;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker that goes silent past the expiry is dropped and its running task re-queued on another worker;
 * a worker that reconnects quickly keeps its sessions. Expiry is decided by {@link HeartbeatExpiry#sweep()}
 * with a clock the test moves, so nothing here depends on timing.
 */
class HeartbeatExpiryTest extends DispatchFixtureTest {
    static final Duration START = Duration.ofSeconds(20);

    @TempDir
    Path workspace;

    private static CompletableFuture<AgentResult> queryAsync(AgentSession session, String taskId, String query) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return session.query(taskId, query);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The {@code sleep} processes under this JVM now: leftovers of earlier tests may still be sleeping. */
    private static Set<Long> sleeping() {
        return ProcessHandle.current().descendants().filter(p -> p.info().commandLine().orElse("").contains("sleep"))
                .map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    /**
     * An agent of this JVM's workers runs a {@code sleep} that was not there before the query (with a leftover, the
     * cut could come before the query even reached the worker).
     */
    private static boolean agentSleeping(Set<Long> before) {
        return sleeping().stream().anyMatch(pid -> !before.contains(pid));
    }

    @Test
    void anExpiredWorkersRunningTaskIsReQueuedOnAnotherWorker() throws Exception {
        ManagedChannel toA = NettyChannelBuilder.forTarget(f.target()).usePlaintext().build();
        WorkerRuntime a = f.worker("worker-a", null, 1, toA);
        await().atMost(Duration.ofSeconds(20)).until(a::connected);
        AgentSession session = f.launcher.start(DispatchFixture.start("scripted", workspace, START, Duration.ofSeconds(60)));
        assertThat(f.registry.worker("worker-a").orElseThrow().load()).isEqualTo(1);
        WorkerRuntime b = f.worker("worker-b", null, 1);
        await().atMost(Duration.ofSeconds(20)).until(b::connected);

        Set<Long> asked = sleeping();
        CompletableFuture<AgentResult> answer = queryAsync(session, "t1", "sleep 3\nenv BATON_WORKER_ID");
        await().atMost(Duration.ofSeconds(20)).until(() -> agentSleeping(asked));

        toA.shutdownNow(); // worker A falls silent: its answer can never arrive
        f.clock.advance(Duration.ofSeconds(20));
        ConnectedWorker workerB = f.registry.worker("worker-b").orElseThrow();
        await().atMost(Duration.ofSeconds(20)).until(() -> workerB.lastSeen().equals(f.clock.instant()));

        assertThat(f.expiry.sweep()).extracting(ConnectedWorker::id).containsExactly("worker-a");

        AgentResult r = answer.get();
        assertThat(r.outcome()).as(String.valueOf(r.error())).isEqualTo(Outcome.SUCCEEDED);
        assertThat(r.output()).contains("BATON_WORKER_ID=worker-b");
        assertThat(f.meters.get("worker.expired").counter().count()).isEqualTo(1.0);
        assertThat(f.meters.get("task.requeued").counter().count()).isEqualTo(1.0);
        assertThat(f.registry.worker("worker-a")).isEmpty();
        // Later queries of the session run on worker B too.
        assertThat(session.query("t2", "env BATON_WORKER_ID").output()).contains("BATON_WORKER_ID=worker-b");
        session.stop();
    }

    @Test
    void withNoWorkerLeftTheReQueuedTaskTimesOut() throws Exception {
        ManagedChannel toA = NettyChannelBuilder.forTarget(f.target()).usePlaintext().build();
        WorkerRuntime a = f.worker("worker-a", null, 1, toA);
        await().atMost(Duration.ofSeconds(20)).until(a::connected);
        AgentSession session = f.launcher.start(DispatchFixture.start("scripted", workspace, START, Duration.ofSeconds(2)));
        Set<Long> asked = sleeping();
        CompletableFuture<AgentResult> answer = queryAsync(session, "t1", "sleep 30");
        await().atMost(Duration.ofSeconds(20)).until(() -> agentSleeping(asked));

        toA.shutdownNow();
        f.clock.advance(Duration.ofSeconds(20));
        assertThat(f.expiry.sweep()).hasSize(1);

        AgentResult r = answer.get();
        assertThat(r.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(r.error()).contains("no worker");
        session.stop();
    }

    @Test
    void aWorkerThatReconnectsBeforeTheExpiryKeepsItsSessionAndItsAnswerArrives() throws Exception {
        try (CuttableProxy proxy = new CuttableProxy(f.server.getPort())) {
            ManagedChannel viaProxy = NettyChannelBuilder.forTarget(proxy.target()).usePlaintext().build();
            WorkerRuntime a = f.worker("worker-a", null, 1, viaProxy);
            await().atMost(Duration.ofSeconds(20)).until(a::connected);
            AgentSession session = f.launcher.start(DispatchFixture.start("scripted-session", workspace, START, Duration.ofSeconds(60)));
            long pid = session.pid().orElseThrow();

            Set<Long> asked = sleeping();
            CompletableFuture<AgentResult> answer = queryAsync(session, "t1", "sleep 2\necho survived the cut");
            await().atMost(Duration.ofSeconds(20)).until(() -> agentSleeping(asked));
            var streamBeforeCut = f.registry.worker("worker-a").orElseThrow().link();
            proxy.cut();
            // The reconnect can take less than one poll: wait for the new stream rather than for the gap between them.
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                var now = f.registry.worker("worker-a").orElseThrow().link();
                return now != null && now != streamBeforeCut;
            });

            AgentResult r = answer.get();
            assertThat(r.outcome()).as(String.valueOf(r.error())).isEqualTo(Outcome.SUCCEEDED);
            assertThat(r.output()).contains("survived the cut");
            await().atMost(Duration.ofSeconds(20)).until(() -> a.connected() && f.registry.online() == 1);
            // Same process: nothing was re-queued or restarted.
            assertThat(f.expiry.sweep()).isEmpty();
            assertThat(f.meters.get("task.requeued").counter().count()).isZero();
            assertThat(session.pid()).hasValue(pid);
            assertThat(session.query("t2", "echo still here").output()).contains("still here");
            session.stop();
        }
    }
}
