package dev.baton.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

import java.util.function.Supplier;

/** Sends the current correlation id (seed 001 §2) as {@code baton-correlation-id} on every call. */
public final class CorrelationIdClientInterceptor implements ClientInterceptor {

    private final Supplier<String> correlationId;

    public CorrelationIdClientInterceptor(Supplier<String> correlationId) {
        this.correlationId = correlationId;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                String id = correlationId.get();
                if (id != null && !id.isBlank()) {
                    headers.put(GrpcAuth.CORRELATION_ID, id);
                }
                super.start(listener, headers);
            }
        };
    }
}
