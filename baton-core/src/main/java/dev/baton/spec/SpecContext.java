package dev.baton.spec;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * What a spec file is checked against: the folders its paths must stay inside and the agent profiles
 * and MCP servers its works may name.
 *
 * @param repositoriesRoot every {@code repositories[].path} must resolve inside this folder (GIT_ROOT_PATH)
 * @param diffsRoot        every {@code submissions[].path} must resolve inside this folder
 * @param knownAgents      names of the configured agent profiles
 * @param knownMcpServers  names of the configured MCP servers (BATON_MCP_SERVERS)
 * @param maxBytes         larger files are refused before they are parsed (UTF-8 size)
 */
public record SpecContext(Path repositoriesRoot, Path diffsRoot, Set<String> knownAgents, Set<String> knownMcpServers, long maxBytes) {

    /** 1 MiB: a spec file is a definition plus statuses; anything larger is a mistake or an attack. */
    public static final long DEFAULT_MAX_BYTES = 1024 * 1024;

    public SpecContext {
        Objects.requireNonNull(repositoriesRoot, "repositoriesRoot");
        Objects.requireNonNull(diffsRoot, "diffsRoot");
        knownAgents = Set.copyOf(knownAgents);
        knownMcpServers = Set.copyOf(knownMcpServers);
        if (maxBytes <= 0) throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
    }

    /** No MCP servers configured: any {@code mcpServers} reference is refused. */
    public static SpecContext of(Path repositoriesRoot, Path diffsRoot, Set<String> knownAgents) {
        return of(repositoriesRoot, diffsRoot, knownAgents, Set.of());
    }

    public static SpecContext of(Path repositoriesRoot, Path diffsRoot, Set<String> knownAgents, Set<String> knownMcpServers) {
        return new SpecContext(repositoriesRoot, diffsRoot, knownAgents, knownMcpServers, DEFAULT_MAX_BYTES);
    }
}
