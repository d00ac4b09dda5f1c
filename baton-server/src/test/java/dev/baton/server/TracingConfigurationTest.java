package dev.baton.server;

import dev.baton.engine.EngineTracing;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/** OTEL_ENABLED decides whether an SDK and an OTLP exporter exist; no collector is contacted. */
class TracingConfigurationTest {
    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({EngineProperties.Monitoring.class, BatonProperties.class})
    static class Properties {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(Properties.class, TracingConfiguration.class)
            .withPropertyValues("baton.data-dir=/tmp/baton-test", "baton.home=/tmp/baton-test", "baton.version=9.9.9",
                    "monitoring.health-check-interval-ms=30000");

    @Test
    void disabledMeansNoExporterAndTheNoopTracer() {
        runner.withPropertyValues("monitoring.otel-enabled=false", "monitoring.otel-exporter-otlp-endpoint=http://collector:4318")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx).doesNotHaveBean(OtlpHttpSpanExporter.class);
                    assertThat(ctx).doesNotHaveBean(SdkTracerProvider.class);
                    assertThat(ctx.getBean(EngineTracing.class)).isSameAs(EngineTracing.noop());
                });
    }

    @Test
    void enabledExportsOverOtlpToTheConfiguredEndpoint() {
        runner.withPropertyValues("monitoring.otel-enabled=true", "monitoring.otel-exporter-otlp-endpoint=http://collector.example:4318")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBean(OtlpHttpSpanExporter.class).toString()).contains("endpoint=http://collector.example:4318/v1/traces");
                    assertThat(ctx).hasSingleBean(SdkTracerProvider.class);
                    assertThat(ctx.getBean(EngineTracing.class)).isNotSameAs(EngineTracing.noop());
                });
    }

    @Test
    void theEndpointIsTheOtlpBaseUrl() {
        assertThat(TracingConfiguration.tracesEndpoint("http://c:4318/")).isEqualTo("http://c:4318/v1/traces");
        assertThat(TracingConfiguration.tracesEndpoint("http://c:4318/v1/traces")).isEqualTo("http://c:4318/v1/traces");
        assertThat(TracingConfiguration.tracesEndpoint("")).isEqualTo("http://localhost:4318/v1/traces");
    }
}
