package dev.baton.dispatch;

import dev.baton.testing.MutableClock;
import dev.baton.agent.AgentProfile;
import dev.baton.agent.AgentStart;
import dev.baton.agent.process.ProcessAgentLauncher;
import dev.baton.agent.profile.AgentProfileLoader;
import dev.baton.agent.profile.AgentProfiles;
import dev.baton.grpc.TokenAuthInterceptor;
import dev.baton.grpc.WorkerTokens;
import dev.baton.worker.DebugAgentLogSink;
import dev.baton.worker.WorkerRuntime;
import dev.baton.worker.WorkerSettings;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real dispatcher behind a real Netty gRPC server on loopback, and real workers running real agent processes. */
final class DispatchFixture implements AutoCloseable {
    static final Path PROJECT_ROOT = findProjectRoot();
    static final AgentProfiles PROFILES = new AgentProfileLoader(PROJECT_ROOT).load(PROJECT_ROOT.resolve("examples/agents/profiles.yaml"));

    final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final DispatchSettings settings;
    final WorkerRegistry registry = new WorkerRegistry(clock);
    final RemoteSessions sessions = new RemoteSessions(registry);
    final DispatchMetrics metrics = new DispatchMetrics(meters, registry);
    final WorkerControlService service;
    final HeartbeatExpiry expiry;
    final RemoteAgentLauncher launcher;
    final Server server;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    DispatchFixture(WorkerTokens tokens) throws IOException {
        this(tokens, new DispatchSettings(Duration.ofMillis(200), Duration.ofSeconds(15), Duration.ofSeconds(5)));
    }

    DispatchFixture(WorkerTokens tokens, DispatchSettings settings) throws IOException {
        this.settings = settings;
        service = new WorkerControlService(registry, sessions, settings, metrics, "test");
        expiry = new HeartbeatExpiry(registry, sessions, settings, metrics, clock);
        launcher = new RemoteAgentLauncher(registry, sessions, settings, metrics);
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(service, new TokenAuthInterceptor(tokens)))
                .build().start();
    }

    String target() {
        return "127.0.0.1:" + server.getPort();
    }

    ManagedChannel channel() {
        ManagedChannel c = NettyChannelBuilder.forTarget(target()).usePlaintext().build();
        closeables.add(() -> c.shutdownNow());
        return c;
    }

    /** A started worker with its own channel (which the test may cut with shutdownNow). */
    WorkerRuntime worker(String id, String token, int capacity, ManagedChannel channel) {
        WorkerSettings s = new WorkerSettings(target(), token, id, Map.of(), capacity, null).withMaxBackoff(Duration.ofMillis(500));
        WorkerRuntime w = new WorkerRuntime(s, channel, new ProcessAgentLauncher(), new DebugAgentLogSink(), new SimpleMeterRegistry());
        closeables.add(w);
        return w.start();
    }

    WorkerRuntime worker(String id, String token, int capacity) {
        return worker(id, token, capacity, NettyChannelBuilder.forTarget(target()).usePlaintext().build());
    }

    static AgentStart start(String profile, Path workspace, Duration startTimeout, Duration queryTimeout) {
        AgentProfile p = PROFILES.require(profile);
        return new AgentStart(p, workspace, null, Map.of("BATON_WORKFLOW_ID", "wf-test", "BATON_WORK_ID", "wk-test", "BATON_CORRELATION_ID", "corr-test"),
                startTimeout, queryTimeout, Duration.ofSeconds(3), AgentStart.OutputListener.NONE);
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort: the next one must still close
            }
        }
        expiry.close();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static Path findProjectRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("examples/agents/profiles.yaml"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("cannot find the project root (examples/agents/profiles.yaml)");
        return p;
    }
}
