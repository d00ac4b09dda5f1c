package dev.baton.events;

import java.time.Duration;

/**
 * @param url              REDIS_URL ({@code redis://[user:password@]host:port[/db]}, {@code rediss://} for TLS)
 * @param stream           the stream key (EVENT_BUS_STREAM); dead letters go to {@code <stream>:dead-letter}
 * @param group            the consumer group all Baton servers share: each event is handled by one of them
 * @param consumer         this server's name in the group (unique per process)
 * @param maxLen           the stream is capped near this length ({@code XADD MAXLEN ~})
 * @param claimIdle        pending entries idle this long belong to a dead consumer and are claimed (XAUTOCLAIM)
 * @param requestQueueSize commands Lettuce buffers while reconnecting; past it a publish fails at once
 * @param commandTimeout   a command (a publish too) not answered within it fails
 * @param block            how long one read waits for new entries; also bounds how long stopping the reader takes
 * @param retry            handler retries (EVENT_RETRY_MAX_ATTEMPTS, EVENT_RETRY_DELAY_MS)
 */
public record RedisEventBusSettings(String url, String stream, String group, String consumer, long maxLen, Duration claimIdle,
                                    int requestQueueSize, Duration commandTimeout, Duration block, HandlerRetryPolicy retry) {

    public RedisEventBusSettings {
        if (url == null || url.isBlank()) throw new IllegalArgumentException("REDIS_URL is required for the redis event bus");
        if (stream == null || stream.isBlank()) throw new IllegalArgumentException("the stream key must not be empty");
        if (group == null || group.isBlank()) throw new IllegalArgumentException("the consumer group must not be empty");
        if (consumer == null || consumer.isBlank()) throw new IllegalArgumentException("the consumer name must not be empty");
    }

    /** Defaults of application.yml for everything but where. */
    public static RedisEventBusSettings defaults(String url, String stream, String consumer) {
        return new RedisEventBusSettings(url, stream, "baton", consumer, 100_000, Duration.ofSeconds(60), 10_000, Duration.ofSeconds(60),
                Duration.ofSeconds(1), new HandlerRetryPolicy(3, Duration.ofSeconds(1)));
    }

    public String deadLetterStream() {
        return stream + ":dead-letter";
    }

    public RedisEventBusSettings withConsumer(String c) {
        return new RedisEventBusSettings(url, stream, group, c, maxLen, claimIdle, requestQueueSize, commandTimeout, block, retry);
    }

    public RedisEventBusSettings withClaimIdle(Duration d) {
        return new RedisEventBusSettings(url, stream, group, consumer, maxLen, d, requestQueueSize, commandTimeout, block, retry);
    }

    public RedisEventBusSettings withRetry(HandlerRetryPolicy r) {
        return new RedisEventBusSettings(url, stream, group, consumer, maxLen, claimIdle, requestQueueSize, commandTimeout, block, r);
    }

    public RedisEventBusSettings withCommandTimeout(Duration d) {
        return new RedisEventBusSettings(url, stream, group, consumer, maxLen, claimIdle, requestQueueSize, d, block, retry);
    }

    /** This process's default consumer name: host name and pid, so two servers on one host differ. */
    public static String defaultConsumer() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "baton";
            }
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
