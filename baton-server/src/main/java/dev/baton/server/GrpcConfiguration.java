package dev.baton.server;

import dev.baton.grpc.TokenAuthInterceptor;
import dev.baton.grpc.WorkerTokens;
import dev.baton.ops.health.ReadinessChecks;
import io.grpc.BindableService;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The gRPC server of seed 004: every {@link BindableService} bean is served, behind the worker token check. */
@Configuration(proxyBeanMethods = false)
public class GrpcConfiguration {

    /** BATON_WORKER_TOKENS, parsed once; empty means no authentication. */
    @Bean
    WorkerTokens workerTokens(GrpcProperties grpc, DispatchConfiguration.LocalWorkerToken local) {
        WorkerTokens tokens = WorkerTokens.parse(grpc.workerTokens());
        // The embedded worker gets a random token of its own: the in-process path is checked like a remote worker's.
        return tokens.enabled() ? tokens.with(local.workerId(), local.token()) : tokens;
    }

    @Bean
    TokenAuthInterceptor workerTokenInterceptor(WorkerTokens tokens, MeterRegistry meters) {
        TokenAuthInterceptor interceptor = new TokenAuthInterceptor(tokens);
        FunctionCounter.builder("grpc.auth.rejected", interceptor, TokenAuthInterceptor::rejected)
                .description("gRPC calls refused for a missing or wrong worker token").register(meters);
        return interceptor;
    }

    @Bean
    GrpcServerLifecycle grpcServer(GrpcProperties grpc, ObjectProvider<BindableService> services, TokenAuthInterceptor auth) {
        return new GrpcServerLifecycle(grpc, services.orderedStream().toList(), auth, dev.baton.dispatch.LocalWorker.IN_PROCESS_NAME);
    }

    @Bean
    ReadinessChecks.Probe grpcReadiness(GrpcServerLifecycle server, GrpcProperties grpc, WorkerTokens tokens) {
        return new ReadinessChecks.Probe("grpc", Duration.ofSeconds(1), () -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("status", server.serving() ? "UP" : "DOWN");
            r.put("port", server.port());
            r.put("tls", grpc.tls());
            r.put("auth", tokens.enabled());
            return r;
        });
    }
}
