package dev.baton.server;

import dev.baton.coordination.CoordinationMetrics;
import dev.baton.coordination.CoordinationSchedule;
import dev.baton.coordination.DiffSubmissions;
import dev.baton.coordination.SpecChangeHandler;
import dev.baton.coordination.SpecPings;
import dev.baton.coordination.WorkerDemand;
import dev.baton.engine.DataLayout;
import dev.baton.engine.Engine;
import dev.baton.git.DiffApplier;
import dev.baton.git.GitCli;
import dev.baton.ops.health.ReadinessChecks;
import dev.baton.ping.BusState;
import dev.baton.ping.InProcessPingBus;
import dev.baton.ping.PingBus;
import dev.baton.ping.nats.NatsPingBus;
import dev.baton.ping.nats.NatsSettings;
import dev.baton.spec.store.SpecSnapshot;
import dev.baton.spec.store.VersionedSpecFiles;
import dev.baton.spec.watch.SpecDirectoryWatcher;
import dev.baton.spec.watch.SpecFileChange;
import dev.baton.spec.watch.WatchSettings;
import dev.baton.workflow.EventBus;
import dev.baton.workflow.WorkflowEvent;
import dev.baton.workflow.WorkflowRepository;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Wires spec coordination: the ping bus (NATS or in-process), the spec store and watcher, the git manager. */
@Configuration(proxyBeanMethods = false)
public class CoordinationConfiguration {

    /** Baton's own spec writes reach the change handler, which exists only once the engine does. */
    static final class SpecWriteRelay implements Consumer<SpecSnapshot> {
        private final AtomicReference<Consumer<SpecSnapshot>> target = new AtomicReference<>(s -> { });

        @Override
        public void accept(SpecSnapshot s) {
            target.get().accept(s);
        }
    }

    @Bean
    SpecWriteRelay specWriteRelay() {
        return new SpecWriteRelay();
    }

    @Bean
    VersionedSpecFiles specStore(CoordinationProperties p, SpecWriteRelay relay) {
        return new VersionedSpecFiles(Duration.ofMillis(p.specLockTimeoutMs()), relay);
    }

    @Bean
    CoordinationMetrics coordinationMetrics(MeterRegistry meters) {
        return new CoordinationMetrics(meters);
    }

    @Bean(destroyMethod = "close")
    PingBus pingBus(CoordinationProperties p, CoordinationMetrics metrics) {
        if (p.natsUrl() == null || p.natsUrl().isBlank()) return new InProcessPingBus(metrics);
        return NatsPingBus.connect(NatsSettings.defaults(p.natsUrl()).withConnectionName("baton-server"), metrics);
    }

    @Bean
    SpecPings specPings(PingBus bus, Clock clock, EventBus events, DataLayout layout) {
        SpecPings pings = new SpecPings(bus, clock);
        events.subscribe(e -> {
            if (e instanceof WorkflowEvent.WorkflowCompleted) pings.finished(e.workflowId(), layout.specFile(e.workflowId()));
        });
        return pings;
    }

    @Bean(destroyMethod = "close")
    DiffSubmissions diffSubmissions(VersionedSpecFiles store, WorkflowRepository workflows, Engine engine, GitCli git,
                                    CoordinationProperties p, DataLayout layout, CoordinationMetrics metrics) {
        return new DiffSubmissions(store, workflows, engine, new DiffApplier(git, p.diffMaxBytes()), layout.diffsDir(), metrics);
    }

    @Bean
    SpecChangeHandler specChangeHandler(VersionedSpecFiles store, Engine engine, SpecPings pings, DiffSubmissions submissions,
                                        CoordinationMetrics metrics, SpecWriteRelay relay) {
        SpecChangeHandler handler = new SpecChangeHandler(store, engine.specProgress(), pings, submissions, metrics);
        relay.target.set(handler::written);
        return handler;
    }

    /** Starts watching; files already there are handled first (progress made while the server was down). */
    @Bean(destroyMethod = "close")
    SpecDirectoryWatcher specDirectoryWatcher(CoordinationProperties p, DataLayout layout, SpecChangeHandler handler) throws IOException {
        Files.createDirectories(layout.specsDir());
        try (Stream<Path> files = Files.list(layout.specsDir())) {
            files.filter(f -> f.getFileName().toString().matches("[^.].*\\.(yaml|yml|json)")).sorted()
                    .forEach(f -> handler.changed(new SpecFileChange(f, true, "startup")));
        }
        WatchSettings s = new WatchSettings(p.watchman(), Duration.ofMillis(p.specPollIntervalMs()), Duration.ofMillis(p.specQuickCheckMs()),
                Duration.ofMillis(p.specCoalesceMs()), WatchSettings.defaults().watchmanBinary());
        return SpecDirectoryWatcher.start(layout.specsDir(), s, handler);
    }

    @Bean
    WorkerDemand workerDemand(Engine engine, PingBus bus, Clock clock, MeterRegistry meters) {
        return new WorkerDemand(engine::queueLength, bus, clock, meters);
    }

    @Bean(destroyMethod = "close")
    CoordinationSchedule coordinationSchedule(WorkerDemand demand, PingBus bus, CoordinationProperties p, Clock clock,
                                              org.springframework.core.env.Environment env) {
        String service = env.getProperty("spring.application.name", "baton") + "-server";
        return new CoordinationSchedule(demand, Duration.ofMillis(p.workerNeededIntervalMs()), bus, service,
                () -> bus.state() != BusState.CLOSED, Duration.ofMillis(p.healthPingIntervalMs()), clock);
    }

    /** /ready shows the ping bus (connected or reconnecting — pings are then buffered and pollers heal) and the watcher. */
    @Bean
    ReadinessChecks.Probe pingBusReadiness(PingBus bus) {
        return new ReadinessChecks.Probe("pingBus", Duration.ofSeconds(3), () -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("status", bus.state() == BusState.CLOSED ? "DOWN" : "UP");
            r.put("type", bus instanceof NatsPingBus ? "nats" : "in-process");
            r.put("state", bus.state().name().toLowerCase(java.util.Locale.ROOT));
            r.put("url", bus.describe());
            return r;
        });
    }

    @Bean
    ReadinessChecks.Probe specWatcherReadiness(SpecDirectoryWatcher watcher, SpecChangeHandler handler) {
        return new ReadinessChecks.Probe("specWatcher", Duration.ofSeconds(3), () -> {
            var h = watcher.health();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("status", h.up() ? "UP" : "DOWN");
            r.put("mechanism", h.mechanism());
            r.put("detail", h.detail());
            r.put("invalidSpecs", handler.errors().size());
            return r;
        });
    }
}
