package dev.baton.mcp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The MCP config of one work: which references it came from and the servers an agent gets.
 *
 * @param globalRefs names of the global servers taken in
 * @param workRefs   names the work referenced itself (a work reference replaces a global one of the same name)
 * @param servers    the merged servers with overrides applied and {@code ${NAME}} references resolved
 * @param templates  the same servers before resolution: what may be shown (logs), since resolved values are secrets
 */
public record McpMerged(List<String> globalRefs, List<String> workRefs, List<McpServer> servers, List<McpServer> templates) {

    public McpMerged {
        globalRefs = List.copyOf(globalRefs);
        workRefs = List.copyOf(workRefs);
        servers = List.copyOf(servers);
        templates = List.copyOf(templates);
    }

    /**
     * A loggable form: each server as it was written (unresolved), with every env / header value as
     * {@code ***} — the log formatter would mask them too, this does not depend on it.
     */
    public List<Map<String, Object>> describeMasked() {
        return templates.stream().map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            Map<String, String> hidden = new LinkedHashMap<>();
            s.secretValues().keySet().forEach(k -> hidden.put(k, "***"));
            switch (s) {
                case McpServer.Stdio st -> {
                    m.put("transport", "stdio");
                    m.put("command", st.command());
                    m.put("env", hidden);
                }
                case McpServer.Http h -> {
                    m.put("transport", "http");
                    m.put("url", h.url());
                    m.put("headers", hidden);
                }
            }
            return m;
        }).toList();
    }
}
