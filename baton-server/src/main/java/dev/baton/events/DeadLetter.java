package dev.baton.events;

import dev.baton.workflow.WorkflowEvent;

/**
 * An event given up for one handler after its last attempt.
 *
 * @param entryId  where the event came from on the bus (the Redis stream entry id; null in memory)
 * @param handler  the handler's name
 * @param attempts attempts made
 * @param error    the last failure
 */
public record DeadLetter(WorkflowEvent event, String entryId, String handler, int attempts, String error) {
}
