package dev.baton.mcp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A configured MCP server and how an agent reaches it: a program it starts ({@link Stdio}) or a URL
 * ({@link Http}). Values may hold {@code ${NAME}} references, resolved when a work's config is merged
 * ({@link McpConfigMerge}), so that secrets live in Baton's environment rather than in files.
 */
public sealed interface McpServer permits McpServer.Stdio, McpServer.Http {

    String name();

    /**
     * The values a work's {@code envOverrides} replace: the environment of a stdio server, the headers
     * of an http one. Both are secret as a whole (logged as {@code ***}).
     */
    Map<String, String> secretValues();

    /** This server with {@code overrides} put over {@link #secretValues()} (new keys are added). */
    McpServer overriddenBy(Map<String, String> overrides);

    /** This server with every string (command, url, values) passed through {@code f}. */
    McpServer mapStrings(UnaryOperator<String> f);

    /**
     * A server started as a process speaking JSON-RPC on stdin/stdout.
     *
     * @param command the argv, never a shell string; the first element is the program
     * @param env     added to the agent's environment for that process
     */
    record Stdio(String name, List<String> command, Map<String, String> env) implements McpServer {
        public Stdio {
            Objects.requireNonNull(name, "name");
            command = List.copyOf(command);
            if (command.isEmpty()) throw new IllegalArgumentException("MCP server " + name + ": empty command");
            env = ordered(env);
        }

        @Override
        public Map<String, String> secretValues() {
            return env;
        }

        @Override
        public McpServer overriddenBy(Map<String, String> overrides) {
            Map<String, String> merged = new LinkedHashMap<>(env);
            merged.putAll(overrides);
            return new Stdio(name, command, merged);
        }

        @Override
        public McpServer mapStrings(UnaryOperator<String> f) {
            return new Stdio(name, command.stream().map(f).toList(), mapValues(env, f));
        }
    }

    /**
     * A server reached over MCP's streamable HTTP transport.
     *
     * @param headers sent with every request ({@code Authorization: Bearer ${TOKEN}} …)
     */
    record Http(String name, String url, Map<String, String> headers) implements McpServer {
        public Http {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(url, "url");
            headers = ordered(headers);
        }

        @Override
        public Map<String, String> secretValues() {
            return headers;
        }

        @Override
        public McpServer overriddenBy(Map<String, String> overrides) {
            Map<String, String> merged = new LinkedHashMap<>(headers);
            merged.putAll(overrides);
            return new Http(name, url, merged);
        }

        @Override
        public McpServer mapStrings(UnaryOperator<String> f) {
            return new Http(name, f.apply(url), mapValues(headers, f));
        }
    }

    /** Unmodifiable and in the order written: the config file an agent gets follows the source. */
    private static Map<String, String> ordered(Map<String, String> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m == null ? Map.of() : m));
    }

    private static Map<String, String> mapValues(Map<String, String> m, UnaryOperator<String> f) {
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, f.apply(v)));
        return out;
    }
}
