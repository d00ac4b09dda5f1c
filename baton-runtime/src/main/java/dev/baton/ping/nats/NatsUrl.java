package dev.baton.ping.nats;

import dev.baton.shared.SecretMasker;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Masks the credentials a NATS URL list may carry: {@code nats://u:p@host:4222} becomes {@code nats://***@host:4222}. */
final class NatsUrl {

    private NatsUrl() {
    }

    static String masked(String urls) {
        // NATS_URL may list several servers; each one may carry its own credentials.
        return Arrays.stream(urls.split(",", -1)).map(SecretMasker::maskUrlCredentials).collect(Collectors.joining(","));
    }
}
