package dev.baton.events;

import io.lettuce.core.api.sync.RedisCommands;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The queue depth of the Redis bus: the consumer group's lag (entries not yet delivered) plus its pending entries
 * (delivered, not acknowledged), from {@code XINFO GROUPS}. The reader refreshes it about once a second, so a
 * metrics scrape never waits for Redis.
 */
final class RedisGroupDepth {
    private static final Duration REFRESH = Duration.ofSeconds(1);

    private final String stream;
    private final String group;
    private volatile long depth;
    private volatile long refreshedAt;

    RedisGroupDepth(String stream, String group) {
        this.stream = stream;
        this.group = group;
    }

    long value() {
        return depth;
    }

    /** Refreshes when the last refresh is older than a second. */
    void refreshEverySecond(RedisCommands<String, String> redis) {
        if (System.nanoTime() - refreshedAt >= REFRESH.toNanos()) refresh(redis);
    }

    long refresh(RedisCommands<String, String> redis) {
        long d = depth;
        for (Object entry : redis.xinfoGroups(stream)) {
            if (!(entry instanceof List<?> fields)) continue;
            Map<String, Object> info = new HashMap<>();
            for (int i = 0; i + 1 < fields.size(); i += 2) info.put(String.valueOf(fields.get(i)), fields.get(i + 1));
            if (!group.equals(String.valueOf(info.get("name")))) continue;
            d = number(info.get("pending")) + number(info.get("lag"));
        }
        depth = d;
        refreshedAt = System.nanoTime();
        return d;
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }
}
