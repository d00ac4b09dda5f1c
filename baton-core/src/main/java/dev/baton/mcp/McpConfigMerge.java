package dev.baton.mcp;

import dev.baton.shared.BatonException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Merges a work's MCP config: the global references of the registry plus the work's own, a work
 * reference replacing a global one of the same name; each reference's {@code envOverrides} are put over
 * the server's env (stdio) or headers (http); then every {@code ${NAME}} in the command, url and values is
 * replaced by Baton's environment variable NAME, so that spec and config files need not hold secrets.
 */
public final class McpConfigMerge {
    /** {@code ${NAME}}; {@code $${NAME}} stays as the literal text {@code ${NAME}}. */
    private static final Pattern VARIABLE = Pattern.compile("\\$?\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final McpRegistry registry;
    private final Function<String, String> environment;

    /** @param environment Baton's environment ({@code System::getenv} in the server) */
    public McpConfigMerge(McpRegistry registry, Function<String, String> environment) {
        this.registry = registry;
        this.environment = environment;
    }

    public McpRegistry registry() {
        return registry;
    }

    /**
     * @throws BatonException.Invalid for an unknown reference (naming it and the known servers) or a
     *                                {@code ${NAME}} whose variable is not set (naming server, field and variable)
     */
    public McpMerged merge(List<McpServerRef> workRefs) {
        Map<String, McpServerRef> refs = new LinkedHashMap<>();
        List<String> globalNames = new ArrayList<>();
        for (McpServerRef g : registry.globalRefs()) {
            refs.put(g.name(), g);
            globalNames.add(g.name());
        }
        List<String> workNames = new ArrayList<>();
        for (McpServerRef w : workRefs) {
            refs.put(w.name(), w);
            workNames.add(w.name());
        }
        List<McpServer> templates = new ArrayList<>();
        List<McpServer> resolved = new ArrayList<>();
        Set<String> missing = new LinkedHashSet<>();
        for (McpServerRef ref : refs.values()) {
            McpServer template = registry.require(ref.name()).overriddenBy(ref.envOverrides());
            templates.add(template);
            resolved.add(template.mapStrings(text -> resolve(text, template.name(), missing)));
        }
        if (!missing.isEmpty()) {
            throw new BatonException.Invalid("mcp.variable-missing", "MCP config refers to environment variables that are not set in Baton's environment: "
                    + String.join("; ", missing));
        }
        return new McpMerged(globalNames, workNames, resolved, templates);
    }

    /**
     * One configured server as an agent would get it without overrides, {@code ${NAME}} resolved: what the
     * connection check starts or calls.
     *
     * @throws BatonException.Invalid unknown name or unset variable
     */
    public McpServer resolved(String name) {
        McpServer template = registry.require(name);
        Set<String> missing = new LinkedHashSet<>();
        McpServer out = template.mapStrings(text -> resolve(text, name, missing));
        if (!missing.isEmpty()) {
            throw new BatonException.Invalid("mcp.variable-missing", "MCP server '" + name + "' refers to environment variables that are not set in Baton's environment: "
                    + String.join("; ", missing));
        }
        return out;
    }

    private String resolve(String text, String server, Set<String> missing) {
        if (text == null || !text.contains("${")) return text;
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().startsWith("$$")) {
                replacement = m.group().substring(1);
            } else {
                replacement = environment.apply(m.group(1));
                if (replacement == null) {
                    missing.add("${" + m.group(1) + "} (server '" + server + "')");
                    replacement = "";
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
