package dev.baton.server;

import dev.baton.engine.DataLayout;
import dev.baton.logs.ingest.LogIngestService;
import dev.baton.logs.store.LogStore;
import dev.baton.logs.store.LogStoreSettings;
import dev.baton.logs.web.LogFollowers;
import dev.baton.ops.health.ReadinessChecks;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wires the log store (closed after the gRPC server stops: it is a dependency of the gRPC service bean, so it is
 * destroyed after it), the LogStream gRPC service (collected by the gRPC server as a BindableService) and the
 * {@code logStore} readiness check.
 */
@Configuration(proxyBeanMethods = false)
public class LogsConfiguration {

    @Bean(destroyMethod = "close")
    LogStore logStore(DataLayout layout, LogsProperties p, Clock clock, MeterRegistry meters) throws IOException {
        LogStoreSettings settings = LogStoreSettings.defaults()
                .withSegmentBytes(p.segmentBytes())
                .withRetention(Duration.ofDays(p.retentionDays()))
                .withQueueBytes(p.queueBytes());
        return LogStore.open(layout.dataDir().resolve("logs"), settings, clock, meters);
    }

    @Bean
    LogIngestService logIngestService(LogStore store, Clock clock, MeterRegistry meters) {
        return new LogIngestService(store, clock, meters);
    }

    @Bean
    LogFollowers logFollowers() {
        return new LogFollowers();
    }

    @Bean
    public ReadinessChecks.Probe logStoreReadiness(LogStore store) {
        return new ReadinessChecks.Probe("logStore", Duration.ofSeconds(3), () -> {
            Map<String, Object> r = new LinkedHashMap<>();
            String problem = writableProblem(store.root());
            if (problem == null && store.failure() != null) problem = "writer stopped: " + store.failure().getMessage();
            r.put("status", problem == null ? "UP" : "DOWN");
            r.put("path", store.root().toString());
            r.put("liveSubscribers", store.subscriberCount());
            if (problem != null) r.put("error", problem);
            return r;
        });
    }

    /** Null when a file can be created in {@code dir}, else why not. */
    static String writableProblem(Path dir) {
        try {
            Path probe = Files.createTempFile(dir, ".ready", ".tmp");
            Files.delete(probe);
            return null;
        } catch (IOException | RuntimeException e) {
            return "log folder " + dir + " is not writable: " + e.getMessage();
        }
    }
}
