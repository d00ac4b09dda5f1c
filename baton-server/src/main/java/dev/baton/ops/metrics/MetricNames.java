package dev.baton.ops.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusNamingConvention;
import org.springframework.boot.micrometer.metrics.autoconfigure.MeterRegistryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Keeps seed 001's metric names on /metrics. The Prometheus client treats a {@code _created} ending as
 * reserved (OpenMetrics creation timestamps) and strips it, which would turn {@code workflow.created}
 * into {@code workflow_total}; the convention below puts it back so the counter is
 * {@code workflow_created_total}.
 */
@Configuration(proxyBeanMethods = false)
public class MetricNames {

    @Bean
    MeterRegistryCustomizer<PrometheusMeterRegistry> keepCreatedSuffix() {
        return registry -> registry.config().namingConvention(new PrometheusNamingConvention() {
            @Override
            public String name(String name, Meter.Type type, String baseUnit) {
                String n = super.name(name, type, baseUnit);
                return name.endsWith(".created") && !n.endsWith("_created") ? n + "_created" : n;
            }
        });
    }
}
