package dev.baton.events;

import dev.baton.store.EventCodec;
import dev.baton.workflow.WorkflowEvent;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * EVENT_BUS_TYPE=redis: events travel through a Redis stream, at least once.
 *
 * <ul>
 *   <li>Publish: {@code XADD <stream> MAXLEN ~ n} with {@code type}, {@code correlationId}, {@code workflowId} and
 *   {@code payload} (the event as the event log stores it, {@link EventCodec}). Asynchronous: the engine
 *   thread never waits for Redis. While Redis is unreachable Lettuce buffers up to {@code requestQueueSize}
 *   commands and sends them, in order, once it is back; a publish not confirmed within
 *   {@code commandTimeout}, or refused because the buffer is full, is counted
 *   ({@code event.bus.publish.failure}) and logged ERROR with the whole event. Such an event is still in the
 *   persistent event log, but its handlers do not run.</li>
 *   <li>Consume: one consumer group for all Baton servers ({@code group}), so each event is handled by one
 *   server. A virtual thread reads ({@code XREADGROUP … BLOCK}) and runs the subscribed handlers one entry
 *   at a time, in stream order; the entry is acknowledged ({@code XACK}) once every handler succeeded or was
 *   dead-lettered. A handler that throws is retried per {@link HandlerRetryPolicy} on the retry scheduler
 *   (the reader goes on with the next entries); after the last attempt the event goes to
 *   {@code <stream>:dead-letter} with the handler, the attempts and the error.</li>
 *   <li>Recovery: at start and after every lost connection the reader first reads this consumer's own
 *   pending entries again; entries left pending by another consumer for {@code claimIdle} (a server that
 *   died) are taken over with {@code XAUTOCLAIM}, at start and then every {@code claimIdle}.</li>
 * </ul>
 *
 * A handler may therefore see an event twice (a crash between handling and acknowledging); the server's
 * handlers are idempotent (spec file rewrites, completion pings).
 */
public final class RedisEventBus implements ServerEventBus {
    private static final Logger log = LoggerFactory.getLogger(RedisEventBus.class);
    private static final int BATCH = 100;
    private static final Duration RECONNECT_PAUSE = Duration.ofMillis(500);

    private final RedisEventBusSettings settings;
    private final EventCodec codec;
    private final EventBusMetrics metrics;
    private final RetryScheduler scheduler;
    private final Clock clock;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> commands;
    private final StatefulRedisConnection<String, String> reads;
    private final io.lettuce.core.Consumer<String> consumer;
    private final Subscribers handlers = new Subscribers();
    private final RedisDeadLetters deadLetters;
    private final EventDeliveries deliveries;
    /** Entries this server is handling (first attempt or a retry waiting): not read or claimed again. */
    private final Set<String> inProgress = ConcurrentHashMap.newKeySet();
    private volatile boolean reading;
    private volatile Thread reader;
    private final RedisGroupDepth depth;
    /**
     * Set when the reader's connection comes back: Lettuce re-sends a read that was in flight, so entries the
     * lost answer delivered sit in this consumer's pending list; the reader reads that list again first.
     */
    private volatile boolean rereadOwnPending;
    private volatile boolean closing;

    private RedisEventBus(RedisEventBusSettings settings, EventCodec codec, EventBusMetrics metrics, RetryScheduler scheduler, Clock clock,
                          RedisClient client, StatefulRedisConnection<String, String> commands, StatefulRedisConnection<String, String> reads) {
        this.settings = settings;
        this.codec = codec;
        this.metrics = metrics;
        this.scheduler = scheduler;
        this.clock = clock;
        this.client = client;
        this.commands = commands;
        this.reads = reads;
        this.consumer = io.lettuce.core.Consumer.from(settings.group(), settings.consumer());
        this.depth = new RedisGroupDepth(settings.stream(), settings.group());
        this.deadLetters = new RedisDeadLetters(settings, codec, metrics, clock, commands);
        this.deliveries = new EventDeliveries(settings.retry(), scheduler, metrics, deadLetters::keep);
    }

    /**
     * Connects (two connections: commands, and the blocking reader) and makes sure the stream and the group
     * exist. Handlers run only after {@link #start()}.
     *
     * @throws IllegalArgumentException when the URL is not a Redis URL
     * @throws RedisException           when Redis cannot be reached now
     */
    public static RedisEventBus connect(RedisEventBusSettings settings, EventCodec codec, EventBusMetrics metrics, RetryScheduler scheduler,
                                        Clock clock) {
        RedisURI uri = RedisURI.create(settings.url());
        uri.setTimeout(settings.commandTimeout());
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                .requestQueueSize(settings.requestQueueSize())
                .timeoutOptions(TimeoutOptions.enabled(settings.commandTimeout()))
                .build());
        StatefulRedisConnection<String, String> commands = null;
        try {
            commands = client.connect();
            StatefulRedisConnection<String, String> reads = client.connect();
            // A blocking read must not be cut off by the command timeout, and a read queued during an outage
            // should give up soon, so that stopping the reader never waits long.
            reads.setTimeout(settings.block().plusSeconds(5));
            RedisEventBus bus = new RedisEventBus(settings, codec, metrics, scheduler, clock, client, commands, reads);
            client.addListener(bus.new ConnectionEvents());
            bus.ensureGroup();
            return bus;
        } catch (RuntimeException e) {
            if (commands != null) commands.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw e;
        }
    }

    /** Logs the connection going and coming (once, for the commands connection) and tells the reader to look at its pending list. */
    private final class ConnectionEvents implements io.lettuce.core.RedisConnectionStateListener {
        @Override
        public void onRedisDisconnected(io.lettuce.core.RedisChannelHandler<?, ?> connection) {
            if (connection == commands && !closing) log.atWarn().addKeyValue("event", "EventBusDisconnected")
                    .log("lost the connection to Redis; publishing into the reconnect buffer (at most {} commands) until it is back",
                            settings.requestQueueSize());
        }

        @Override
        public void onRedisConnected(io.lettuce.core.RedisChannelHandler<?, ?> connection, java.net.SocketAddress address) {
            if (connection == reads) rereadOwnPending = true;
            if (connection == commands) log.atInfo().addKeyValue("event", "EventBusReconnected").log("connected to Redis again");
        }
    }

    /** Creates the stream and the group if missing; new groups start at the stream's end (the servers create it before publishing). */
    private void ensureGroup() {
        try {
            commands.sync().xgroupCreate(StreamOffset.latest(settings.stream()), settings.group(), XGroupCreateArgs.Builder.mkstream());
        } catch (RedisCommandExecutionException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) throw e;
        }
    }

    @Override
    public void publish(WorkflowEvent event) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("type", event.type());
        body.put("correlationId", event.correlationId() == null ? "" : event.correlationId());
        body.put("workflowId", event.workflowId());
        body.put("payload", codec.encode(event));
        try {
            commands.async().xadd(settings.stream(), XAddArgs.Builder.maxlen(settings.maxLen()).approximateTrimming(), body)
                    .whenComplete((id, failure) -> {
                        if (failure != null) publishFailed(event, failure);
                        else metrics.publishTaken();
                    });
        } catch (RuntimeException e) {
            publishFailed(event, e);
        }
    }

    private void publishFailed(WorkflowEvent event, Throwable failure) {
        metrics.publishFailed();
        log.atError().addKeyValue("event", "EventPublishFailed").addKeyValue("eventType", event.type())
                .addKeyValue("correlationId", event.correlationId()).addKeyValue("workflowId", event.workflowId()).addKeyValue("context", event)
                .log("event {} of {} could not be put on the Redis stream {}: {}; it is in the event log, but its handlers do not run",
                        event.type(), event.workflowId(), settings.stream(), failure.toString());
    }

    @Override
    public AutoCloseable subscribe(Consumer<WorkflowEvent> handler) {
        return handlers.add(handler);
    }

    @Override
    public String type() {
        return "redis";
    }

    /** The group's lag plus its pending entries, as of the last refresh (at most a second or so old while reading). */
    @Override
    public long queueDepth() {
        return depth.value();
    }

    @Override
    public synchronized void start() {
        if (reader != null) return;
        reading = true;
        reader = Thread.ofVirtual().name("redis-event-reader").start(this::readLoop);
    }

    @Override
    public String unreachable(Duration timeout) {
        if (!commands.isOpen()) return "not connected to Redis (reconnecting)";
        try {
            String pong = commands.async().ping().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return "PONG".equals(pong) ? null : "unexpected answer to PING: " + pong;
        } catch (java.util.concurrent.TimeoutException e) {
            return "no answer to PING within " + timeout.toMillis() + " ms";
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause().getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    // ---- reading ----

    private void readLoop() {
        RedisCommands<String, String> redis = reads.sync();
        boolean outage = false;
        String ownCursor = "0"; // non-null: re-reading this consumer's pending entries from there
        long nextClaim = 0;
        while (reading) {
            try {
                if (rereadOwnPending) {
                    rereadOwnPending = false;
                    ownCursor = "0";
                }
                if (System.nanoTime() - nextClaim >= 0) {
                    claimAbandoned(redis);
                    nextClaim = System.nanoTime() + settings.claimIdle().toNanos();
                }
                List<StreamMessage<String, String>> batch;
                if (ownCursor != null) {
                    batch = redis.xreadgroup(consumer, XReadArgs.Builder.count(BATCH), StreamOffset.from(settings.stream(), ownCursor));
                    ownCursor = batch.isEmpty() ? null : batch.getLast().getId();
                } else {
                    batch = redis.xreadgroup(consumer, XReadArgs.Builder.block(settings.block()).count(BATCH), StreamOffset.lastConsumed(settings.stream()));
                }
                if (outage) {
                    outage = false;
                    log.atInfo().addKeyValue("event", "EventReadResumed").log("reading the Redis event stream {} again", settings.stream());
                }
                for (StreamMessage<String, String> m : batch) {
                    if (!reading) break; // the rest stays pending for this consumer (or whoever claims it)
                    handle(m);
                }
                depth.refreshEverySecond(redis);
            } catch (RedisException e) {
                if (!reading) break;
                if (!outage) {
                    outage = true;
                    log.atWarn().addKeyValue("event", "EventReadFailed")
                            .log("cannot read the Redis event stream {}: {}; trying again until it answers", settings.stream(), e.getMessage());
                }
                if (e.getMessage() != null && e.getMessage().startsWith("NOGROUP")) recreateGroup();
                ownCursor = "0";
                pause(RECONNECT_PAUSE);
            } catch (RuntimeException e) {
                log.atError().addKeyValue("event", "EventReaderFailed").setCause(e).log("event reader: {}", e.toString());
                pause(RECONNECT_PAUSE);
            }
        }
    }

    /** Takes over entries another consumer left pending longer than {@code claimIdle} (it died, most likely). */
    private void claimAbandoned(RedisCommands<String, String> redis) {
        String start = "0-0";
        do {
            ClaimedMessages<String, String> claimed = redis.xautoclaim(settings.stream(),
                    XAutoClaimArgs.Builder.xautoclaim(consumer, settings.claimIdle(), start).count(BATCH));
            for (StreamMessage<String, String> m : claimed.getMessages()) {
                if (inProgress.contains(m.getId())) continue;
                log.atInfo().addKeyValue("event", "EventClaimed").addKeyValue("entryId", m.getId())
                        .log("took over event entry {} left pending by a stopped consumer", m.getId());
                handle(m);
            }
            start = claimed.getId();
        } while (reading && start != null && !"0-0".equals(start));
    }

    private void recreateGroup() {
        try {
            ensureGroup();
        } catch (RedisException e) {
            log.warn("cannot create the consumer group {} on {}: {}", settings.group(), settings.stream(), e.getMessage());
        }
    }

    /** Runs every handler's first attempt now; the entry is acknowledged once all of them are settled. */
    private void handle(StreamMessage<String, String> m) {
        String id = m.getId();
        if (!inProgress.add(id)) return;
        Map<String, String> body = m.getBody();
        if (body == null || body.isEmpty()) { // trimmed away (MAXLEN) while pending: nothing left to handle
            acknowledge(id);
            return;
        }
        WorkflowEvent event;
        try {
            event = codec.decode(body.get("type"), body.get("payload"));
        } catch (RuntimeException e) {
            deadLetters.unreadable(id, body, e);
            acknowledge(id);
            return;
        }
        if (event.occurredAt() != null) metrics.delay(Duration.between(event.occurredAt(), clock.instant()));
        List<Subscriber> now = handlers.now();
        if (now.isEmpty()) {
            acknowledge(id);
            return;
        }
        AtomicInteger left = new AtomicInteger(now.size());
        for (Subscriber s : now) {
            deliveries.deliver(s, event, id, () -> {
                if (left.decrementAndGet() == 0) acknowledge(id);
            });
        }
    }

    private void acknowledge(String id) {
        try {
            commands.async().xack(settings.stream(), settings.group(), id).whenComplete((n, failure) -> {
                if (failure != null) log.warn("cannot acknowledge event entry {} (it will be handled again): {}", id, failure.toString());
            });
        } finally {
            inProgress.remove(id);
        }
    }

    // ---- shutdown ----

    /**
     * Waits (within {@code timeout}) until the group has nothing undelivered or unacknowledged — the events this
     * server just published included —, then stops reading and lets the entry in hand finish. Retries still
     * waiting are not run here: their entries stay pending in Redis for the next reader.
     */
    @Override
    public long drain(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long left = -1;
        while (reading && System.nanoTime() < deadline) {
            try {
                left = depth.refresh(commands.sync());
            } catch (RedisException e) {
                log.warn("cannot see the event stream's depth while draining: {}", e.getMessage());
                break;
            }
            if (left == 0) break;
            pause(Duration.ofMillis(50));
        }
        stopReading(Duration.ofNanos(Math.max(deadline - System.nanoTime(), settings.block().plusSeconds(1).toNanos())));
        int abandoned = deliveries.abandonWaiting("shutdown").size();
        if (abandoned > 0) log.atInfo().addKeyValue("event", "EventRetriesLeftPending")
                .log("{} handler retries were waiting at shutdown; their entries stay pending in {} for the next reader", abandoned, settings.stream());
        return Math.max(left, 0) + abandoned;
    }

    private void stopReading(Duration wait) {
        reading = false;
        Thread t = reader;
        if (t == null) return;
        try {
            if (!t.join(wait)) log.warn("the event reader did not stop within {} ms", wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closing = true;
        stopReading(settings.block().plusSeconds(1));
        scheduler.close();
        try {
            reads.close();
            commands.close();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
