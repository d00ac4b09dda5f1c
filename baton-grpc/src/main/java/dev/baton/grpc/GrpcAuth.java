package dev.baton.grpc;

import io.grpc.CallCredentials;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Status;

import java.util.concurrent.Executor;

/**
 * The names both ends agree on: the bearer token header, the correlation id header, and the context key
 * through which the server's interceptor tells the services which worker a call belongs to.
 */
public final class GrpcAuth {

    public static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> CORRELATION_ID =
            Metadata.Key.of("baton-correlation-id", Metadata.ASCII_STRING_MARSHALLER);

    /** The worker the call's token belongs to; unset when the server runs without tokens. */
    public static final Context.Key<String> WORKER_ID = Context.key("baton-worker-id");
    /** The caller's correlation id, when it sent one. */
    public static final Context.Key<String> CORRELATION = Context.key("baton-correlation-id");

    private static final String BEARER = "Bearer ";

    private GrpcAuth() {
    }

    /** Call credentials that send {@code authorization: Bearer <token>} on every call. */
    public static CallCredentials bearer(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("a worker token must not be empty");
        }
        String header = BEARER + token;
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                headers.put(AUTHORIZATION, header);
                applier.apply(headers);
            }
        };
    }

    /** The token in an {@code authorization} header value, or null when it is not a bearer token. */
    static String tokenOf(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String token = authorization.substring(BEARER.length()).trim();
        return token.isEmpty() ? null : token;
    }

    /**
     * The worker id a service should use for a call: the token's worker when tokens are configured (a message
     * claiming another id is refused), else the id the worker claims in its message.
     *
     * @throws io.grpc.StatusRuntimeException PERMISSION_DENIED when the claim does not match the token,
     *                                        INVALID_ARGUMENT when there is no id at all
     */
    public static String effectiveWorkerId(String claimed) {
        String authenticated = WORKER_ID.get();
        boolean hasClaim = claimed != null && !claimed.isBlank();
        if (authenticated != null) {
            if (hasClaim && !authenticated.equals(claimed)) {
                throw Status.PERMISSION_DENIED
                        .withDescription("worker_id '" + claimed + "' does not match the token's worker '" + authenticated + "'")
                        .asRuntimeException();
            }
            return authenticated;
        }
        if (!hasClaim) {
            throw Status.INVALID_ARGUMENT.withDescription("worker_id is required").asRuntimeException();
        }
        return claimed;
    }
}
