package dev.baton.events;

import dev.baton.store.EventCodec;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Redis bus's dead letters: entries of {@code <stream>:dead-letter} with the event's fields, the entry it came
 * from, the handler, the attempts, the error and when it was given up — for an event a handler kept failing on, and
 * for an entry that could not even be read.
 */
final class RedisDeadLetters {
    private static final Logger log = LoggerFactory.getLogger(RedisEventBus.class);

    private final RedisEventBusSettings settings;
    private final EventCodec codec;
    private final EventBusMetrics metrics;
    private final Clock clock;
    private final StatefulRedisConnection<String, String> commands;

    RedisDeadLetters(RedisEventBusSettings settings, EventCodec codec, EventBusMetrics metrics, Clock clock,
                     StatefulRedisConnection<String, String> commands) {
        this.settings = settings;
        this.codec = codec;
        this.metrics = metrics;
        this.clock = clock;
        this.commands = commands;
    }

    /** A handler gave up on the event (EventDeliveries counted and logged it). */
    void keep(DeadLetter d) {
        Map<String, String> event = new LinkedHashMap<>();
        event.put("type", d.event().type());
        event.put("correlationId", d.event().correlationId() == null ? "" : d.event().correlationId());
        event.put("workflowId", d.event().workflowId());
        event.put("payload", codec.encode(d.event()));
        add(event, d.entryId(), d.handler(), d.attempts(), d.error());
    }

    /** An entry whose payload is not an event: no handler can have it. */
    void unreadable(String entryId, Map<String, String> body, RuntimeException e) {
        metrics.deadLetter();
        log.atError().addKeyValue("event", "EventDeadLettered").addKeyValue("entryId", entryId).addKeyValue("eventType", body.get("type"))
                .log("event entry {} cannot be read ({}); moved to {}", entryId, e.getMessage(), settings.deadLetterStream());
        add(body, entryId, "", 0, String.valueOf(e.getMessage()));
    }

    private void add(Map<String, String> event, String entryId, String handler, int attempts, String error) {
        Map<String, String> letter = new LinkedHashMap<>(event);
        letter.put("entryId", entryId == null ? "" : entryId);
        letter.put("handler", handler);
        letter.put("attempts", Integer.toString(attempts));
        letter.put("error", error);
        letter.put("failedAt", clock.instant().toString());
        commands.async().xadd(settings.deadLetterStream(), XAddArgs.Builder.maxlen(settings.maxLen()).approximateTrimming(), letter)
                .whenComplete((id, failure) -> {
                    if (failure != null) log.atError().addKeyValue("event", "DeadLetterFailed").addKeyValue("context", letter)
                            .log("cannot add a dead letter to {}: {}", settings.deadLetterStream(), failure.toString());
                });
    }
}
