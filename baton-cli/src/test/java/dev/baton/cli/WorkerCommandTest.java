package dev.baton.cli;

import dev.baton.dispatch.DispatchMetrics;
import dev.baton.dispatch.DispatchSettings;
import dev.baton.dispatch.RemoteSessions;
import dev.baton.dispatch.WorkerControlService;
import dev.baton.dispatch.WorkerRegistry;
import dev.baton.worker.WorkerRuntime;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code baton worker}: options, environment fallbacks, and a real registration with a server on loopback. */
class WorkerCommandTest {

    @Test
    void helpDescribesTheOptions() {
        CliRunner.Result r = new CliRunner().run("worker", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("Usage: baton worker").contains("--server", "--token", "--labels", "--capacity", "--tls-cert",
                "BATON_WORKER_SERVER", "Examples:");
    }

    @Test
    void withoutAServerItIsAUsageError() {
        CliRunner.Result r = new CliRunner().run("worker");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("server address is required", "BATON_WORKER_SERVER");

        CliRunner.Result url = new CliRunner().run("worker", "--server", "http://localhost:9090");
        assertThat(url.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(url.err()).contains("host:port");

        CliRunner.Result labels = new CliRunner().run("worker", "--server", "localhost:9090", "--labels", "oops");
        assertThat(labels.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(labels.err()).contains("label 'oops' must be key=value");
    }

    @Test
    void registersWithTheServerUntilStopped() throws Exception {
        WorkerRegistry registry = new WorkerRegistry(Clock.systemUTC());
        DispatchSettings settings = DispatchSettings.defaults();
        WorkerControlService service = new WorkerControlService(registry, new RemoteSessions(registry), settings,
                new DispatchMetrics(new SimpleMeterRegistry(), registry), "test");
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
        try {
            Map<String, String> env = Map.of("BATON_WORKER_SERVER", "127.0.0.1:" + server.getPort(), "POD_NAME", "pod-7");
            CliEnvironment environment = new CliEnvironment(env::get, new BufferedReader(new StringReader("")), false,
                    Clock.systemUTC(), ZoneOffset.UTC, Duration.ofMillis(50), Duration.ofSeconds(1));
            WorkerCommand command = new WorkerCommand(environment);
            CompletableFuture<WorkerRuntime> started = new CompletableFuture<>();
            command.onStarted = started::complete;
            CommandLine cli = new CommandLine(command);
            cli.setErr(new PrintWriter(new StringWriter()));
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("--id", "cli-worker", "--labels", "zone=eu", "--capacity", "2"));

            await().atMost(Duration.ofSeconds(20)).until(() -> registry.worker("cli-worker").map(w -> w.online()).orElse(false));
            var w = registry.worker("cli-worker").orElseThrow();
            assertThat(w.capacity()).isEqualTo(2);
            assertThat(w.labels()).containsEntry("zone", "eu");
            assertThat(w.metadata()).containsEntry("pod_name", "pod-7");

            started.get(20, TimeUnit.SECONDS).close();
            assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
            await().atMost(Duration.ofSeconds(20)).until(() -> registry.online() == 0);
        } finally {
            server.shutdownNow();
        }
    }
}
