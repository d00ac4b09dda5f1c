package dev.baton.server;

import dev.baton.events.EventBusMetrics;
import dev.baton.events.HandlerRetryPolicy;
import dev.baton.events.InProcessEventBus;
import dev.baton.events.RedisEventBus;
import dev.baton.events.RedisEventBusSettings;
import dev.baton.events.RetryScheduler;
import dev.baton.events.ServerEventBus;
import dev.baton.ops.health.ReadinessChecks;
import dev.baton.shared.SecretMasker;
import dev.baton.store.EventCodec;
import io.lettuce.core.RedisException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The event bus: EVENT_BUS_TYPE=in-memory (default) or redis (REDIS_URL), with the handler retries of
 * EVENT_RETRY_MAX_ATTEMPTS / EVENT_RETRY_DELAY_MS, its meters, its /ready line and the lifecycle that starts
 * delivery once every handler has subscribed.
 */
@Configuration(proxyBeanMethods = false)
public class EventBusConfiguration {

    @Bean
    EventBusMetrics eventBusMetrics(MeterRegistry meters) {
        return new EventBusMetrics(meters);
    }

    /**
     * With redis the server connects at start-up: Redis unreachable then stops start-up naming REDIS_URL
     * (a container restarts until Redis is there); later outages only turn /ready's eventBus DOWN.
     */
    @Bean(destroyMethod = "close")
    ServerEventBus eventBus(EngineProperties.EventBus p, EventBusMetrics metrics, MeterRegistry meters, Clock clock) {
        HandlerRetryPolicy retries = new HandlerRetryPolicy(p.retryMaxAttempts(), Duration.ofMillis(p.retryDelayMs()));
        RetryScheduler scheduler = RetryScheduler.timer("event-retry");
        ServerEventBus bus;
        if (p.redis()) {
            String consumer = p.consumer() == null || p.consumer().isBlank() ? RedisEventBusSettings.defaultConsumer() : p.consumer();
            RedisEventBusSettings s = new RedisEventBusSettings(p.redisUrl(), p.stream(), p.group(), consumer, p.maxLen(),
                    Duration.ofMillis(p.claimIdleMs()), p.requestQueueSize(), Duration.ofMillis(p.commandTimeoutMs()), Duration.ofSeconds(1), retries);
            try {
                bus = RedisEventBus.connect(s, new EventCodec(), metrics, scheduler, clock);
            } catch (RedisException e) {
                scheduler.close();
                throw new IllegalStateException("cannot reach Redis at REDIS_URL=" + SecretMasker.maskUrlCredentials(p.redisUrl())
                        + " for EVENT_BUS_TYPE=redis: " + e.getMessage(), e);
            }
        } else {
            bus = new InProcessEventBus(retries, scheduler, metrics, clock);
        }
        Gauge.builder("event.queue.depth", bus, ServerEventBus::queueDepth)
                .description("Events published and not yet through all their handlers (redis: the group's lag plus pending)").register(meters);
        return bus;
    }

    @Bean
    ReadinessChecks.EventBusProbe eventBusProbe(ServerEventBus bus) {
        return () -> {
            String why = bus.unreachable(Duration.ofMillis(2500)); // inside the check's 3 s
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("status", why == null ? "UP" : "DOWN");
            r.put("type", bus.type());
            r.put("queueDepth", bus.queueDepth());
            if (why != null) r.put("error", why);
            return r;
        };
    }

    /**
     * Starts delivery once the context is up (every handler bean has subscribed by then, so no event is taken
     * off a Redis stream before its handlers exist). Stopping is the engine lifecycle's drain; this phase
     * stops after the web server's, a safety net when the engine lifecycle did not run.
     */
    @Bean
    SmartLifecycle eventBusDelivery(ServerEventBus bus) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                bus.start();
                running = true;
            }

            @Override
            public void stop() {
                if (running) bus.drain(Duration.ofSeconds(5));
                running = false;
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            @Override
            public int getPhase() {
                return SmartLifecycle.DEFAULT_PHASE - 4096;
            }
        };
    }
}
