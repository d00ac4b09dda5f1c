package dev.baton.events;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.baton.testing.MutableClock;
import dev.baton.workflow.WorkflowEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-memory bus: first attempt on the publishing thread, retries on the scheduler, dead letters, drain. */
class InProcessEventBusTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private final MutableClock clock = new MutableClock(T0);
    private final ManualRetryScheduler scheduler = new ManualRetryScheduler();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final EventBusMetrics metrics = new EventBusMetrics(meters);
    private final InProcessEventBus bus = new InProcessEventBus(new HandlerRetryPolicy(3, Duration.ofMillis(1000)), scheduler, metrics, clock);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger deliveriesLog = (Logger) LoggerFactory.getLogger(EventDeliveries.class);

    @BeforeEach
    void captureLogs() {
        logs.start();
        deliveriesLog.addAppender(logs);
    }

    @AfterEach
    void release() {
        deliveriesLog.detachAppender(logs);
    }

    private static WorkflowEvent event(String task) {
        return new WorkflowEvent.QuerySent("wf-bus", "corr-bus-1", T0.minusMillis(250), "wk-a", task, 7);
    }

    @Test
    void firstAttemptRunsOnThePublishingThreadWithTheCorrelationId() {
        List<String> seen = new ArrayList<>();
        bus.subscribe(e -> seen.add(Thread.currentThread().getName() + " " + MDC.get("correlationId") + " " + MDC.get("workflowId")));

        bus.publish(event("t1"));

        assertThat(seen).containsExactly(Thread.currentThread().getName() + " corr-bus-1 wf-bus");
        assertThat(bus.queueDepth()).isZero();
        assertThat(metrics.delaysRecorded()).isEqualTo(1);
        assertThat(meters.get("event.processing.delay").timer().max(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(250);
        assertThat(scheduler.delays).isEmpty();
    }

    @Test
    void aFailingHandlerIsRetriedOnTheSchedulerNotOnThePublisher() {
        AtomicInteger calls = new AtomicInteger();
        List<WorkflowEvent> other = new ArrayList<>();
        bus.subscribe(e -> {
            if (calls.incrementAndGet() < 3) throw new IllegalStateException("disk busy " + calls.get());
        });
        bus.subscribe(other::add);

        bus.publish(event("t1"));

        // The publisher returned after one attempt; the other handler got the event once, at once.
        assertThat(calls).hasValue(1);
        assertThat(other).containsExactly(event("t1"));
        assertThat(bus.queueDepth()).isEqualTo(1);
        assertThat(scheduler.runDue()).isEqualTo(1);
        assertThat(calls).hasValue(2);
        assertThat(scheduler.runDue()).isEqualTo(1);
        assertThat(calls).hasValue(3);
        assertThat(scheduler.waiting()).isZero();
        assertThat(scheduler.delays).containsExactly(Duration.ofMillis(1000), Duration.ofMillis(1000));
        assertThat(bus.queueDepth()).isZero();
        assertThat(metrics.handlerErrors()).isEqualTo(2);
        assertThat(metrics.deadLetters()).isZero();
        assertThat(other).hasSize(1);

        List<ILoggingEvent> warnings = logs.list.stream().filter(l -> l.getLevel() == Level.WARN).toList();
        assertThat(warnings).hasSize(2);
        assertThat(warnings.getFirst().getMDCPropertyMap()).containsEntry("correlationId", "corr-bus-1").containsEntry("workflowId", "wf-bus");
        assertThat(warnings.getFirst().getFormattedMessage()).contains("QuerySent", "attempt 1 of 4", "disk busy 1");
    }

    @Test
    void afterTheLastRetryTheEventIsDeadLettered() {
        AtomicInteger calls = new AtomicInteger();
        bus.subscribe(e -> {
            calls.incrementAndGet();
            throw new IllegalStateException("always");
        });

        bus.publish(event("t1"));
        while (scheduler.runDue() > 0) {
            // each run schedules the next retry until the last
        }

        assertThat(calls).hasValue(4); // the first attempt and EVENT_RETRY_MAX_ATTEMPTS=3 retries
        assertThat(metrics.handlerErrors()).isEqualTo(4);
        assertThat(metrics.deadLetters()).isEqualTo(1);
        assertThat(meters.get("event.dead.letter").counter().count()).isEqualTo(1);
        assertThat(bus.queueDepth()).isZero();
        ILoggingEvent error = logs.list.stream().filter(l -> l.getLevel() == Level.ERROR).findFirst().orElseThrow();
        assertThat(error.getFormattedMessage()).contains("dead-lettered", "QuerySent", "4 times");
        assertThat(error.getMDCPropertyMap()).containsEntry("correlationId", "corr-bus-1");
        assertThat(error.getKeyValuePairs()).anySatisfy(kv -> {
            assertThat(kv.key).isEqualTo("context");
            assertThat(kv.value).isEqualTo(event("t1"));
        });
    }

    @Test
    void noRetriesMeansOneAttemptThenADeadLetter() {
        InProcessEventBus once = new InProcessEventBus(new HandlerRetryPolicy(0, Duration.ofMillis(1000)), scheduler, metrics, clock);
        once.subscribe(e -> {
            throw new IllegalStateException("no");
        });

        once.publish(event("t1"));

        assertThat(scheduler.delays).isEmpty();
        assertThat(metrics.deadLetters()).isEqualTo(1);
    }

    @Test
    void drainDeadLettersRetriesStillWaiting() {
        bus.subscribe(e -> {
            throw new IllegalStateException("down");
        });
        bus.publish(event("t1"));
        assertThat(bus.queueDepth()).isEqualTo(1);

        long left = bus.drain(Duration.ofMillis(50)); // the manual scheduler never runs the retry

        assertThat(left).isEqualTo(1);
        assertThat(bus.queueDepth()).isZero();
        assertThat(metrics.deadLetters()).isEqualTo(1);
        assertThat(scheduler.runDue()).isEqualTo(1); // the abandoned retry does nothing when it fires late
        assertThat(metrics.handlerErrors()).isEqualTo(1);
        bus.close();
        assertThat(scheduler.closed).isTrue();
    }

    @Test
    void theTimerSchedulerRunsRetriesOffTheCallersThread() throws Exception {
        try (RetryScheduler timer = RetryScheduler.timer("test-retry")) {
            InProcessEventBus real = new InProcessEventBus(new HandlerRetryPolicy(1, Duration.ofMillis(10)), timer, metrics, clock);
            List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.CountDownLatch second = new java.util.concurrent.CountDownLatch(1);
            real.subscribe(e -> {
                threads.add(Thread.currentThread().getName());
                if (threads.size() == 1) throw new IllegalStateException("first");
                second.countDown();
            });

            real.publish(event("t1"));

            assertThat(second.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(threads).hasSize(2);
            assertThat(threads.get(0)).isEqualTo(Thread.currentThread().getName());
            assertThat(threads.get(1)).isEqualTo("test-retry-run");
        }
    }
}
