package dev.baton.mcp;

import dev.baton.shared.BatonException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The MCP servers Baton knows (BATON_MCP_SERVERS), by name, and which of them every work gets
 * (the global references).
 */
public final class McpRegistry {
    private static final McpRegistry EMPTY = new McpRegistry(List.of(), Set.of());

    private final Map<String, McpServer> servers = new LinkedHashMap<>();
    private final Set<String> global;

    /** @param global names of servers referenced by every work; each must be one of {@code servers} */
    public McpRegistry(Collection<McpServer> servers, Set<String> global) {
        for (McpServer s : servers) {
            if (this.servers.putIfAbsent(s.name(), s) != null) throw new IllegalArgumentException("duplicate MCP server " + s.name());
        }
        for (String g : global) {
            if (!this.servers.containsKey(g)) throw new IllegalArgumentException("global MCP server " + g + " is not registered");
        }
        // in registration order, so the merged config is stable
        this.global = new LinkedHashSet<>(this.servers.keySet());
        this.global.retainAll(global);
    }

    /** No servers: what Baton runs with when BATON_MCP_SERVERS is unset. */
    public static McpRegistry empty() {
        return EMPTY;
    }

    public List<McpServer> servers() {
        return List.copyOf(servers.values());
    }

    public Set<String> names() {
        return Set.copyOf(servers.keySet());
    }

    public boolean isEmpty() {
        return servers.isEmpty();
    }

    /** A reference without overrides to each global server, in registration order. */
    public List<McpServerRef> globalRefs() {
        List<McpServerRef> out = new ArrayList<>();
        for (String g : global) out.add(McpServerRef.of(g));
        return out;
    }

    public Optional<McpServer> find(String name) {
        return Optional.ofNullable(servers.get(name));
    }

    /** @throws BatonException.Invalid naming the reference and the known servers */
    public McpServer require(String name) {
        McpServer s = servers.get(name);
        if (s == null) throw new BatonException.Invalid("mcp.unknown-server", unknown(name));
        return s;
    }

    /** "unknown MCP server 'x' (known: a, b)", or a hint that none are configured. */
    public String unknown(String name) {
        return "unknown MCP server '" + name + "' (" + (servers.isEmpty()
                ? "no MCP servers are configured: list them in the file BATON_MCP_SERVERS names"
                : "known: " + String.join(", ", servers.keySet().stream().sorted().toList())) + ")";
    }
}
