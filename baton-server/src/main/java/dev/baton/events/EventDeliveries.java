package dev.baton.events;

import dev.baton.engine.Correlation;
import dev.baton.workflow.WorkflowEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs one handler for one event with the retry policy, the same for every bus: the first attempt on the
 * caller's thread, each retry scheduled {@code delay} later (the caller never waits for it). Every failed
 * attempt is counted ({@code event.handler.error}) and logged WARN; after the last one the event is logged
 * ERROR, counted ({@code event.dead.letter}) and handed to the bus's dead-letter sink. Handlers run with the
 * event's correlationId and workflowId in the MDC.
 */
@SuppressWarnings("try") // correlation scopes are opened for their effect on the MDC only
final class EventDeliveries {
    private static final Logger log = LoggerFactory.getLogger(EventDeliveries.class);
    private final HandlerRetryPolicy policy;
    private final RetryScheduler scheduler;
    private final EventBusMetrics metrics;
    private final Consumer<DeadLetter> deadLetters;
    /** Handler deliveries begun and neither succeeded nor dead-lettered yet. */
    private final AtomicLong unsettled = new AtomicLong();
    /** Retries waiting for their time; a drain gives up on those still here. */
    private final Set<Retry> waiting = ConcurrentHashMap.newKeySet();

    private record Retry(Subscriber subscriber, WorkflowEvent event, String entryId, int attempt, Runnable settled) {
    }

    EventDeliveries(HandlerRetryPolicy policy, RetryScheduler scheduler, EventBusMetrics metrics, Consumer<DeadLetter> deadLetters) {
        this.policy = policy;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
    }

    /**
     * @param entryId where the event came from (logged and kept in dead letters), may be null
     * @param settled called once: when the handler succeeded or the event was dead-lettered for it
     */
    void deliver(Subscriber subscriber, WorkflowEvent event, String entryId, Runnable settled) {
        unsettled.incrementAndGet();
        attempt(new Retry(subscriber, event, entryId, 1, settled));
    }

    private void attempt(Retry r) {
        WorkflowEvent event = r.event();
        try (var ignored = Correlation.workflow(event.correlationId(), event.workflowId())) {
            try {
                r.subscriber().handler().accept(event);
            } catch (RuntimeException e) {
                failed(r, e);
                return;
            }
            settle(r);
        }
    }

    private void failed(Retry r, RuntimeException e) {
        metrics.handlerError();
        if (r.attempt() <= policy.retries()) {
            log.atWarn().addKeyValue("event", "EventHandlerFailed").addKeyValue("eventType", r.event().type())
                    .addKeyValue("handler", r.subscriber().name()).addKeyValue("attempt", r.attempt()).addKeyValue("entryId", r.entryId())
                    .setCause(e)
                    .log("event handler {} failed for {} (attempt {} of {}), retrying in {} ms: {}", r.subscriber().name(), r.event().type(),
                            r.attempt(), policy.attempts(), policy.delay().toMillis(), e.toString());
            Retry next = new Retry(r.subscriber(), r.event(), r.entryId(), r.attempt() + 1, r.settled());
            waiting.add(next);
            scheduler.schedule(policy.delay(), () -> {
                if (waiting.remove(next)) attempt(next);
            });
            return;
        }
        log.atError().addKeyValue("event", "EventDeadLettered").addKeyValue("eventType", r.event().type())
                .addKeyValue("handler", r.subscriber().name()).addKeyValue("attempts", r.attempt()).addKeyValue("entryId", r.entryId())
                .addKeyValue("context", r.event()).setCause(e)
                .log("event handler {} failed for {} {} times; the event is dead-lettered for it: {}", r.subscriber().name(), r.event().type(),
                        r.attempt(), e.toString());
        deadLetter(new DeadLetter(r.event(), r.entryId(), r.subscriber().name(), r.attempt(), e.toString()));
        settle(r);
    }

    private void deadLetter(DeadLetter letter) {
        metrics.deadLetter();
        try {
            deadLetters.accept(letter);
        } catch (RuntimeException e) {
            log.atError().addKeyValue("event", "DeadLetterFailed").addKeyValue("context", letter.event())
                    .log("cannot keep the dead letter of {} for {}: {}", letter.event().type(), letter.handler(), e.toString());
        }
    }

    private void settle(Retry r) {
        unsettled.decrementAndGet();
        r.settled().run();
    }

    /** Handler deliveries begun and not yet settled, retries waiting included. */
    long unsettled() {
        return unsettled.get();
    }

    /**
     * Shutdown: the retries still waiting will not run here. Each is taken off (its {@code settled} is not
     * called) and returned, for the bus to dead-letter (in memory) or to leave to the next reader (Redis).
     */
    List<DeadLetter> abandonWaiting(String why) {
        List<DeadLetter> out = new java.util.ArrayList<>();
        for (Retry r : List.copyOf(waiting)) {
            if (!waiting.remove(r)) continue;
            unsettled.decrementAndGet();
            out.add(new DeadLetter(r.event(), r.entryId(), r.subscriber().name(), r.attempt() - 1, why));
        }
        return out;
    }

    /** For the in-memory bus: a retry abandoned at shutdown is a dead letter like any other. */
    void deadLetterAbandoned(DeadLetter letter) {
        log.atError().addKeyValue("event", "EventDeadLettered").addKeyValue("eventType", letter.event().type())
                .addKeyValue("handler", letter.handler()).addKeyValue("attempts", letter.attempts()).addKeyValue("context", letter.event())
                .log("event handler {} had a retry of {} pending at shutdown; the event is dead-lettered for it", letter.handler(), letter.event().type());
        deadLetter(letter);
    }
}
