package dev.baton.spec;

import dev.baton.mcp.McpServerRef;

import java.util.List;
import java.util.Objects;

/**
 * A work as the spec file states it; its sequence is its position in {@code works}.
 *
 * @param id         null when the file leaves it out ({@code wk-…} is generated when the workflow is built)
 * @param agent      name of a configured agent profile
 * @param model      may be null
 * @param mcpServers MCP servers added to the global ones, as written (names and envOverrides, {@code ${VAR}} unresolved)
 */
public record WorkSpec(String id, String name, String agent, String model, List<McpServerRef> mcpServers) {

    public WorkSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(agent, "agent");
        mcpServers = List.copyOf(mcpServers);
    }
}
