package dev.baton.ping.nats;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Masks the credentials a NATS URL may carry: {@code nats://u:p@host:4222} becomes {@code nats://***@host:4222}. */
final class NatsUrl {

    private NatsUrl() {
    }

    static String masked(String urls) {
        return Arrays.stream(urls.split(",", -1)).map(NatsUrl::maskOne).collect(Collectors.joining(","));
    }

    private static String maskOne(String url) {
        int scheme = url.indexOf("://");
        int authorityStart = scheme < 0 ? 0 : scheme + 3;
        int authorityEnd = url.indexOf('/', authorityStart);
        if (authorityEnd < 0) authorityEnd = url.length();
        // The last '@' of the authority: an unencoded '@' in a password must not leak the rest of it.
        int at = url.lastIndexOf('@', authorityEnd - 1);
        if (at < authorityStart) return url;
        return url.substring(0, authorityStart) + "***" + url.substring(at);
    }
}
