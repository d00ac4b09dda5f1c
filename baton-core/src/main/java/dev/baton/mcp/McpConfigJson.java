package dev.baton.mcp;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * Claude Code's MCP config format ({@code claude --mcp-config <file>}), which other agents (Codex, Gemini
 * CLI, Cursor) read in the same shape:
 * <pre>
 * {"mcpServers": {"github": {"command": "npx", "args": [...], "env": {...}},
 *                 "docs":   {"type": "http", "url": "...", "headers": {...}}}}
 * </pre>
 */
public final class McpConfigJson {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private McpConfigJson() {
    }

    /**
     * The file content for these (resolved) servers; no servers gives {@code {"mcpServers":{}}}. One line: an
     * agent that prints it shows it as one output line, whose env and headers the log masking recognises.
     */
    public static String render(List<McpServer> servers) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode byName = root.putObject("mcpServers");
        for (McpServer s : servers) {
            ObjectNode n = byName.putObject(s.name());
            switch (s) {
                case McpServer.Stdio st -> {
                    n.put("command", st.command().getFirst());
                    st.command().subList(1, st.command().size()).forEach(n.putArray("args")::add);
                    ObjectNode env = n.putObject("env");
                    st.env().forEach(env::put);
                }
                case McpServer.Http h -> {
                    n.put("type", "http");
                    n.put("url", h.url());
                    ObjectNode headers = n.putObject("headers");
                    h.headers().forEach(headers::put);
                }
            }
        }
        return JSON.writeValueAsString(root);
    }
}
