package dev.baton.cli.client;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

import java.time.Instant;

/**
 * One entry of the event log. The server sends {@code payload} as a JSON string holding the event's own
 * fields; {@link BatonClient} parses it so that {@link #payload()} is always an object node (or missing).
 */
public record EventView(long sequence, String workflowId, String type, String correlationId, Instant occurredAt,
                        JsonNode payload) {

    public EventView {
        payload = payload == null ? MissingNode.getInstance() : payload;
    }

    /** A payload field as text, or null when absent; numbers and booleans come back in their JSON spelling. */
    public String text(String field) {
        JsonNode node = payload.path(field);
        return node.isMissingNode() || node.isNull() ? null : node.asString();
    }

    public long number(String field, long otherwise) {
        JsonNode node = payload.path(field);
        return node.isNumber() ? node.asLong() : otherwise;
    }
}
