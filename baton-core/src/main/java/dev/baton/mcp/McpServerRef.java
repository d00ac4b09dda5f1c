package dev.baton.mcp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A work's reference to a configured MCP server, as the spec file writes it: a name, or
 * {@code {name: x, envOverrides: {K: V}}}. The overrides replace (or add) values of the server's
 * environment (stdio) or headers (http) for this work only; they may hold {@code ${NAME}} references.
 */
public record McpServerRef(String name, Map<String, String> envOverrides) {

    public McpServerRef {
        Objects.requireNonNull(name, "name");
        envOverrides = Collections.unmodifiableMap(new LinkedHashMap<>(envOverrides == null ? Map.of() : envOverrides));
    }

    public static McpServerRef of(String name) {
        return new McpServerRef(name, Map.of());
    }
}
