package dev.baton.cli.client;

import tools.jackson.databind.JsonNode;

/**
 * A decoded answer together with the JSON it came from, so that {@code --output json} prints exactly what the
 * server sent (fields this CLI does not know included) while tables use the typed value.
 */
public record Reply<T>(T value, JsonNode json) {
}
