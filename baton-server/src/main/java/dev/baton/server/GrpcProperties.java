package dev.baton.server;

import dev.baton.server.SettingRules.Max;
import dev.baton.server.SettingRules.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The gRPC endpoint workers connect to; defaults in application.yml.
 *
 * @param port            GRPC_PORT (0 picks a free port, for tests)
 * @param maxMessageBytes GRPC_MAX_MESSAGE_BYTES: a larger message is refused with RESOURCE_EXHAUSTED
 * @param workerTokens    BATON_WORKER_TOKENS: {@code worker-id=token,…}; empty means no authentication
 * @param tlsCert         GRPC_TLS_CERT: PEM certificate chain; with GRPC_TLS_KEY turns TLS on
 * @param tlsKey          GRPC_TLS_KEY: PEM private key (PKCS#8)
 */
@ConfigurationProperties("grpc")
public record GrpcProperties(@Min(0) @Max(65535) int port, @Min(1024) int maxMessageBytes, String workerTokens,
                             String tlsCert, String tlsKey) {

    boolean tls() {
        return tlsCert != null && !tlsCert.isBlank();
    }
}
