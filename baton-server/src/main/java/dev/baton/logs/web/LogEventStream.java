package dev.baton.logs.web;

import dev.baton.logs.store.LiveSubscription;
import dev.baton.logs.store.LogQuery;
import dev.baton.logs.store.LogStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A log followed over Server-Sent Events: each line is an {@code event: line} whose {@code id} is its offset
 * (a client reconnecting with {@code Last-Event-ID} resumes after it), plus a comment heartbeat. The
 * subscription and the heartbeat end with the HTTP response, however it ends.
 */
public final class LogEventStream {
    private static final Logger log = LoggerFactory.getLogger(LogEventStream.class);

    private LogEventStream() {
    }

    public static SseEmitter open(LogStore store, String logKey, LogQuery query, ScheduledExecutorService heartbeats, long heartbeatMs,
                                  LogFollowers followers) {
        SseEmitter emitter = new SseEmitter(0L); // no timeout: a follow lasts as long as the client wants
        followers.add(emitter);
        try {
            emitter.send(SseEmitter.event().comment("following " + logKey + " after offset " + query.after()));
        } catch (IOException e) {
            followers.remove(emitter);
            emitter.completeWithError(e);
            return emitter;
        }
        LiveSubscription subscription = store.follow(logKey, query, new dev.baton.logs.store.LogListener() {
            @Override
            public void onLine(dev.baton.logs.store.LogLine line) throws IOException {
                emitter.send(SseEmitter.event().id(Long.toString(line.offset())).name("line").data(line, MediaType.APPLICATION_JSON));
            }

            @Override
            public void onError(Throwable failure) {
                emitter.completeWithError(failure);
            }
        });
        ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(() -> {
            try {
                emitter.send(SseEmitter.event().comment("heartbeat"));
            } catch (IOException | RuntimeException e) {
                subscription.close();
            }
        }, heartbeatMs, heartbeatMs, TimeUnit.MILLISECONDS);
        Runnable end = () -> {
            heartbeat.cancel(false);
            subscription.close();
            followers.remove(emitter);
            log.debug("log follower of {} closed", logKey);
        };
        emitter.onCompletion(end);
        emitter.onTimeout(end);
        emitter.onError(e -> end.run());
        return emitter;
    }
}
