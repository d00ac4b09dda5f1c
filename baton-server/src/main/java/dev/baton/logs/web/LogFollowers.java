package dev.baton.logs.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open SSE log streams. They never end on their own, so at shutdown they are completed before the web
 * server's graceful shutdown starts waiting for active requests (which would otherwise wait its whole timeout).
 */
public final class LogFollowers implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(LogFollowers.class);
    private final Set<SseEmitter> open = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    void add(SseEmitter emitter) {
        open.add(emitter);
    }

    void remove(SseEmitter emitter) {
        open.remove(emitter);
    }

    public int size() {
        return open.size();
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        if (!open.isEmpty()) log.info("closing {} live log stream(s) for shutdown", open.size());
        for (SseEmitter e : open) e.complete();
        open.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stop before everything else, the web server's graceful shutdown included. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
