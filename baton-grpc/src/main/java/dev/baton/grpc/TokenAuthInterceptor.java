package dev.baton.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks the bearer token of every call before a single message is read: missing or wrong gets
 * UNAUTHENTICATED. Puts the token's worker and the caller's correlation id into the call's context.
 */
public final class TokenAuthInterceptor implements ServerInterceptor {

    private final WorkerTokens tokens;
    private final AtomicLong rejected = new AtomicLong();

    public TokenAuthInterceptor(WorkerTokens tokens) {
        this.tokens = tokens;
    }

    /** Calls refused for a missing or wrong token since start (a metric reads it). */
    public long rejected() {
        return rejected.get();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Context context = Context.current();
        String correlation = headers.get(GrpcAuth.CORRELATION_ID);
        if (correlation != null && !correlation.isBlank()) {
            context = context.withValue(GrpcAuth.CORRELATION, correlation);
        }
        if (tokens.enabled()) {
            String token = GrpcAuth.tokenOf(headers.get(GrpcAuth.AUTHORIZATION));
            if (token == null) {
                return refuse(call, "missing bearer token: send 'authorization: Bearer <token>'");
            }
            Optional<String> worker = tokens.workerFor(token);
            if (worker.isEmpty()) {
                return refuse(call, "invalid token");
            }
            context = context.withValue(GrpcAuth.WORKER_ID, worker.get());
        }
        return Contexts.interceptCall(context, call, headers, next);
    }

    private <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String why) {
        rejected.incrementAndGet();
        call.close(Status.UNAUTHENTICATED.withDescription(why), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
