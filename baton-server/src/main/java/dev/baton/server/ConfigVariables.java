package dev.baton.server;

import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment variables of the server, read out of application.yml's {@code ${VAR:default}} placeholders,
 * so that application.yml stays the one place that says which variable feeds which property. Used by
 * {@link EnvironmentVariableFailureAnalyzer} (to name the variable behind a bad value) and by the tests that
 * keep the README and deploy/ in line with it.
 */
public final class ConfigVariables {
    /** An upper-case placeholder: {@code ${NAME}} or {@code ${NAME:default}}; lower-case ones reference other properties. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::([^}]*))?}");

    /** One variable feeding one property. */
    public record Variable(String name, String property, String defaultValue) {
    }

    private final List<Variable> variables;

    private ConfigVariables(List<Variable> variables) {
        this.variables = List.copyOf(variables);
    }

    /** Parses application.yml from the class path. */
    public static ConfigVariables fromClasspath() {
        try (InputStream in = ConfigVariables.class.getClassLoader().getResourceAsStream("application.yml")) {
            if (in == null) throw new IllegalStateException("application.yml is not on the class path");
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ConfigVariables parse(String yaml) {
        List<Variable> out = new java.util.ArrayList<>();
        for (Object doc : new Yaml().loadAll(yaml))
            if (doc instanceof Map<?, ?> map) flatten("", map, out);
        return new ConfigVariables(out);
    }

    private static void flatten(String prefix, Map<?, ?> map, List<Variable> out) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey();
            Object v = e.getValue();
            if (v instanceof Map<?, ?> child) flatten(key, child, out);
            else if (v instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    Object item = list.get(i);
                    if (item instanceof Map<?, ?> child) flatten(key + "[" + i + "]", child, out);
                    else addPlaceholders(key + "[" + i + "]", item, out);
                }
            } else addPlaceholders(key, v, out);
        }
    }

    private static void addPlaceholders(String property, Object value, List<Variable> out) {
        if (value == null) return;
        Matcher m = PLACEHOLDER.matcher(value.toString());
        while (m.find()) out.add(new Variable(m.group(1), property, m.group(2) == null ? "" : m.group(2)));
    }

    public List<Variable> all() {
        return variables;
    }

    /** Variable name → its default (the first placeholder's), in application.yml order. */
    public Map<String, String> defaults() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Variable v : variables) out.putIfAbsent(v.name(), v.defaultValue());
        return Collections.unmodifiableMap(out);
    }

    /** The variable that feeds a property (kebab-case, e.g. {@code agent.max-concurrent}), or null. */
    public Variable forProperty(String property) {
        for (Variable v : variables)
            if (v.property().equals(property)) return v;
        return null;
    }
}
