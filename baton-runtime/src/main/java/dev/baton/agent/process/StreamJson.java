package dev.baton.agent.process;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.Optional;

/**
 * The line protocol of SESSION agents, as spoken by Claude Code with
 * {@code --input-format stream-json --output-format stream-json}: one JSON object per line each way.
 * Baton sends a {@code user} message per query; the agent answers with any number of lines (system,
 * assistant, tool use …) and ends its turn with a {@code result} line.
 */
final class StreamJson {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private StreamJson() {
    }

    /** {@code {"type":"user","message":{"role":"user","content":"…"},"task_id":"…"}} without newline. */
    static String userMessage(String taskId, String query) {
        ObjectNode line = JSON.createObjectNode();
        line.put("type", "user");
        ObjectNode message = line.putObject("message");
        message.put("role", "user");
        message.put("content", query);
        line.put("task_id", taskId);
        return JSON.writeValueAsString(line);
    }

    /** The end of a turn: a line that parses as a JSON object with {@code "type":"result"}. */
    record ResultLine(boolean isError, String subtype, String result) {
    }

    static Optional<ResultLine> resultLine(String line) {
        String trimmed = line.strip();
        // Cheap pre-check: most lines are assistant chatter or tool output and need no parsing.
        if (!trimmed.startsWith("{") || !trimmed.contains("\"result\"")) return Optional.empty();
        JsonNode node;
        try {
            node = JSON.readTree(trimmed);
        } catch (JacksonException e) {
            return Optional.empty();
        }
        if (!node.isObject() || !"result".equals(node.path("type").asString(""))) return Optional.empty();
        JsonNode result = node.path("result");
        return Optional.of(new ResultLine(
                node.path("is_error").asBoolean(false),
                node.path("subtype").asString(""),
                result.isString() ? result.stringValue() : result.isMissingNode() || result.isNull() ? "" : result.toString()));
    }
}
