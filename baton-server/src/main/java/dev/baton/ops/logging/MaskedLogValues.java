package dev.baton.ops.logging;

import dev.baton.shared.SecretMasker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

import java.util.List;

/**
 * Masks the values of one log line before it is serialized: plain strings go through the {@link SecretMasker};
 * maps, records and lists are turned into a JSON tree first so that their keys can decide
 * ({@code env}/{@code envOverrides} hide every value, {@code query} is cut to its length, secret-sounding names
 * hide theirs) and every string inside is masked as well.
 */
final class MaskedLogValues {
    static final String QUERY_KEY = "query";

    private final SecretMasker masker;
    private final JsonMapper json;
    /** The agent query in full is for DEBUG only (seed 001 §1.4); above that only its length is logged. */
    private final boolean showQueries;

    MaskedLogValues(SecretMasker masker, JsonMapper json, boolean showQueries) {
        this.masker = masker;
        this.json = json;
        this.showQueries = showQueries;
    }

    String text(String s) {
        return masker.mask(s);
    }

    /** A value logged under {@code key}: a key-value pair of the log call, or a field inside one. */
    Object value(String key, Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean) return value;
        if (masker.hidesAllValuesUnder(key)) return hideAll(tree(value));
        if (value instanceof CharSequence s) return string(key, s.toString());
        if (value instanceof Enum<?> e) return e.name();
        JsonNode tree = tree(value);
        return tree == null ? masker.mask(String.valueOf(value)) : walk(key, tree);
    }

    private String string(String key, String s) {
        if (QUERY_KEY.equals(key) && !showQueries) return "[length=" + s.length() + "]";
        return masker.maskNamedValue(key, s);
    }

    private JsonNode walk(String key, JsonNode node) {
        if (node instanceof ObjectNode o) {
            for (String name : List.copyOf(o.propertyNames())) {
                JsonNode child = o.get(name);
                o.set(name, masker.hidesAllValuesUnder(name) ? hideAll(child) : walk(name, child));
            }
            return o;
        }
        if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) a.set(i, walk(key, a.get(i)));
            return a;
        }
        if (node.isString()) return StringNode.valueOf(string(key, node.asString()));
        return node;
    }

    /** Every leaf becomes {@code ***}; the keys (variable names) stay, they tell which variables were set. */
    private JsonNode hideAll(JsonNode node) {
        if (node == null) return StringNode.valueOf(SecretMasker.MASK);
        if (node instanceof ObjectNode o) {
            for (String name : List.copyOf(o.propertyNames())) o.set(name, hideAll(o.get(name)));
            return o;
        }
        if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) a.set(i, hideAll(a.get(i)));
            return a;
        }
        return node.isNull() ? node : StringNode.valueOf(SecretMasker.MASK);
    }

    private JsonNode tree(Object value) {
        try {
            return json.valueToTree(value);
        } catch (RuntimeException e) {
            // A value Jackson cannot serialize is logged as its masked toString.
            return null;
        }
    }
}
