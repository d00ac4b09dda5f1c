package dev.baton.server;

import dev.baton.engine.EngineTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Traces (ops seed §3): with OTEL_ENABLED=true the engine's spans go, batched, to an OTLP/HTTP exporter at
 * OTEL_EXPORTER_OTLP_ENDPOINT; otherwise no SDK and no exporter exist and the engine gets the no-op tracer.
 */
@Configuration(proxyBeanMethods = false)
class TracingConfiguration {
    /** OpenTelemetry's default OTLP/HTTP endpoint, used when OTEL_ENABLED=true but no endpoint is set. */
    static final String DEFAULT_ENDPOINT = "http://localhost:4318";

    /** The OTLP exporter; OTEL_EXPORTER_OTLP_ENDPOINT is the base URL, traces go to its {@code /v1/traces}. */
    @Bean(destroyMethod = "")  // the tracer provider shuts it down
    @ConditionalOnProperty(name = "monitoring.otel-enabled", havingValue = "true")
    OtlpHttpSpanExporter otlpSpanExporter(EngineProperties.Monitoring monitoring) {
        return OtlpHttpSpanExporter.builder().setEndpoint(tracesEndpoint(monitoring.otelExporterOtlpEndpoint())).build();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "monitoring.otel-enabled", havingValue = "true")
    SdkTracerProvider batonTracerProvider(OtlpHttpSpanExporter exporter, BatonProperties baton) {
        Attributes service = Attributes.of(AttributeKey.stringKey("service.name"), "baton",
                AttributeKey.stringKey("service.version"), baton.version() == null ? "unknown" : baton.version());
        return SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(service)))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                .build();
    }

    @Bean
    EngineTracing engineTracing(ObjectProvider<SdkTracerProvider> provider) {
        SdkTracerProvider tracers = provider.getIfAvailable();
        if (tracers == null) return EngineTracing.noop();
        return new EngineTracing(OpenTelemetrySdk.builder().setTracerProvider(tracers).build());
    }

    static String tracesEndpoint(String configured) {
        String base = configured == null || configured.isBlank() ? DEFAULT_ENDPOINT : configured.strip();
        if (base.endsWith("/v1/traces")) return base;
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/traces";
    }
}
