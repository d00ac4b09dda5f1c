package dev.baton.server;

import dev.baton.agent.process.AgentProcessRegistry;
import dev.baton.agent.process.ProcessAgentLauncher;
import dev.baton.engine.DataLayout;
import dev.baton.dispatch.DispatchMetrics;
import dev.baton.dispatch.DispatchSettings;
import dev.baton.dispatch.HeartbeatExpiry;
import dev.baton.dispatch.LocalWorker;
import dev.baton.dispatch.RemoteSessions;
import dev.baton.dispatch.WorkerControlService;
import dev.baton.dispatch.WorkspaceTransferService;
import dev.baton.git.GitCli;
import dev.baton.dispatch.WorkerRegistry;
import dev.baton.ops.health.ReadinessChecks;
import dev.baton.ops.logging.LogMaskingProperties;
import dev.baton.shared.SecretMasker;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The worker control stream (registry, dispatch, heartbeat expiry) and, in {@code embedded} mode, the
 * server's own worker. The gRPC server that serves {@link WorkerControlService} is wired elsewhere.
 */
@Configuration(proxyBeanMethods = false)
public class DispatchConfiguration {

    @Bean
    DispatchSettings dispatchSettings(DispatchProperties p) {
        return new DispatchSettings(Duration.ofMillis(p.heartbeatIntervalMs()), Duration.ofMillis(p.heartbeatExpiryMs()), Duration.ofSeconds(10));
    }

    @Bean
    WorkerRegistry workerRegistry(Clock clock) {
        return new WorkerRegistry(clock);
    }

    @Bean
    DispatchMetrics dispatchMetrics(MeterRegistry meters, WorkerRegistry registry) {
        return new DispatchMetrics(meters, registry);
    }

    @Bean
    RemoteSessions remoteSessions(WorkerRegistry registry) {
        return new RemoteSessions(registry);
    }

    @Bean
    WorkerControlService workerControlService(WorkerRegistry registry, RemoteSessions sessions, DispatchSettings settings,
                                              DispatchMetrics metrics, BatonProperties baton) {
        return new WorkerControlService(registry, sessions, settings, metrics, baton.version());
    }

    /** Repository content and changes for workers with their own workdir; scratch files under {@code <data>/run/transfer}. */
    @Bean
    WorkspaceTransferService workspaceTransferService(RemoteSessions sessions, GitCli git, DataLayout layout, DispatchProperties p, MeterRegistry meters) {
        return new WorkspaceTransferService(sessions, git, layout.dataDir().resolve("run").resolve("transfer"), p.workspacePushMaxBytes(), meters);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    HeartbeatExpiry heartbeatExpiry(WorkerRegistry registry, RemoteSessions sessions, DispatchSettings settings, DispatchMetrics metrics, Clock clock) {
        return new HeartbeatExpiry(registry, sessions, settings, metrics, clock);
    }

    /** The embedded worker's token; the gRPC lifecycle adds it to the accepted tokens ({@code WorkerTokens.with}). */
    @Bean
    LocalWorkerToken localWorkerToken() {
        return new LocalWorkerToken(LocalWorker.WORKER_ID, LocalWorker.newToken());
    }

    public record LocalWorkerToken(String workerId, String token) {
        @Override
        public String toString() {
            return "LocalWorkerToken[workerId=" + workerId + ", token=***]";
        }
    }

    @Bean
    @ConditionalOnProperty(name = "dispatch.mode", havingValue = "embedded", matchIfMissing = true)
    LocalWorker localWorker(LocalWorkerToken token, EngineProperties.Agent agent, AgentProcessRegistry processes, DataLayout layout,
                            org.springframework.core.env.Environment environment, MeterRegistry meters, Clock clock) {
        // Agent output is masked with the same rules and LOG_MASK_PATTERNS as the server's own log lines.
        SecretMasker masker = new SecretMasker(LogMaskingProperties.from(environment).patterns());
        return new LocalWorker(LocalWorker.IN_PROCESS_NAME, token.token(), agent.maxConcurrent(), new ProcessAgentLauncher(processes),
                layout.dataDir().resolve("worker-spool").resolve(LocalWorker.WORKER_ID), masker, meters, clock);
    }

    @Bean
    @ConditionalOnProperty(name = "dispatch.mode", havingValue = "embedded", matchIfMissing = true)
    LocalWorkerLifecycle localWorkerLifecycle(LocalWorker worker) {
        return new LocalWorkerLifecycle(worker);
    }

    /** /ready: UP with the number of connected workers (zero is not an error: agents wait for one). */
    @Bean
    ReadinessChecks.Probe workersReadiness(WorkerRegistry registry, DispatchProperties p) {
        return new ReadinessChecks.Probe("workers", Duration.ofSeconds(3), () -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("status", "UP");
            r.put("mode", p.mode().name().toLowerCase(java.util.Locale.ROOT));
            r.put("connected", registry.online());
            return r;
        });
    }
}
