package dev.baton.dispatch;

import dev.baton.agent.AgentResult;
import dev.baton.agent.AgentSession;
import dev.baton.agent.process.ProcessAgentLauncher;
import dev.baton.grpc.TokenAuthInterceptor;
import dev.baton.grpc.WorkerTokens;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The server's embedded worker: the same worker runtime over an in-process channel, with its own token. */
class LocalWorkerTest {
    @TempDir
    Path workspace;

    @TempDir
    Path spool;

    @Test
    void theEmbeddedWorkerRegistersWithItsTokenAndRunsAgents() throws Exception {
        WorkerRegistry registry = new WorkerRegistry(Clock.systemUTC());
        RemoteSessions sessions = new RemoteSessions(registry);
        DispatchSettings settings = DispatchSettings.defaults();
        DispatchMetrics metrics = new DispatchMetrics(new SimpleMeterRegistry(), registry);
        String token = LocalWorker.newToken();
        String name = "baton-local-test-" + System.nanoTime();
        WorkerTokens tokens = WorkerTokens.parse("remote-1=some-remote-token-0123456789").with(LocalWorker.WORKER_ID, token);
        Server server = InProcessServerBuilder.forName(name)
                .addService(ServerInterceptors.intercept(new WorkerControlService(registry, sessions, settings, metrics, "test"), new TokenAuthInterceptor(tokens)))
                .build().start();
        try (LocalWorker local = new LocalWorker(name, token, 3, new ProcessAgentLauncher(), spool, dev.baton.shared.SecretMasker.defaults(), new SimpleMeterRegistry(), Clock.systemUTC()).start()) {
            await().atMost(Duration.ofSeconds(20)).until(local::connected);
            assertThat(registry.worker(LocalWorker.WORKER_ID).orElseThrow().capacity()).isEqualTo(3);
            RemoteAgentLauncher launcher = new RemoteAgentLauncher(registry, sessions, settings, metrics);
            try (AgentSession s = launcher.start(DispatchFixture.start("scripted", workspace, Duration.ofSeconds(20), Duration.ofSeconds(30)))) {
                AgentResult r = s.query("t1", "env BATON_WORKER_ID");
                assertThat(r.output()).contains("BATON_WORKER_ID=" + LocalWorker.WORKER_ID);
            }
        } finally {
            server.shutdownNow();
        }
    }
}
