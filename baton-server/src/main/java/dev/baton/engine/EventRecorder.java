package dev.baton.engine;

import dev.baton.workflow.EventBus;
import dev.baton.workflow.EventLog;
import dev.baton.workflow.WorkflowEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a domain event: appends it to the persistent event log, publishes it on the bus, logs it
 * (INFO, with the event name) and counts it. The one way the engine emits events.
 */
@SuppressWarnings("try") // correlation scopes are opened for their effect on the MDC only
public final class EventRecorder {
    private static final Logger log = LoggerFactory.getLogger("dev.baton.events");
    private final EventLog eventLog;
    private final EventBus bus;
    private final EngineMetrics metrics;

    public EventRecorder(EventLog eventLog, EventBus bus, EngineMetrics metrics) {
        this.eventLog = eventLog;
        this.bus = bus;
        this.metrics = metrics;
    }

    public void record(WorkflowEvent event) {
        try (var ignored = Correlation.workflow(event.correlationId(), event.workflowId())) {
            try {
                eventLog.append(event);
            } catch (RuntimeException e) {
                metrics.eventPublishFailed();
                throw e;
            }
            metrics.eventPublished();
            log.atInfo().addKeyValue("event", event.type()).addKeyValue("context", event)
                    .log("{} {}", event.type(), event.workflowId());
            bus.publish(event);
        }
    }

    public EventBus bus() {
        return bus;
    }
}
