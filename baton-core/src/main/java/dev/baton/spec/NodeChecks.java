package dev.baton.spec;

import dev.baton.shared.Ids;
import dev.baton.shared.Problem;
import dev.baton.spec.SpecNode.Kind;
import dev.baton.spec.SpecNode.Location;
import dev.baton.spec.SpecNode.Mapping;
import dev.baton.spec.SpecNode.Scalar;
import dev.baton.spec.SpecNode.Sequence;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Typed reads of spec nodes that never throw: each mismatch becomes a {@link Problem} at the node's line and
 * column with its field path, and the read returns null so that checking goes on and every problem of a
 * file is reported at once.
 */
final class NodeChecks {
    private static final Pattern NON_NEGATIVE = Pattern.compile("[0-9]{1,18}");
    static final String SAFE_ID_RULE = "letters, digits, '.', '_' and '-', starting with a letter or digit, at most 128 characters, no '..'";

    private final String file;
    private final List<Problem> problems = new ArrayList<>();

    NodeChecks(String file, List<Problem> initial) {
        this.file = file;
        problems.addAll(initial);
    }

    void add(Location at, String field, String message) {
        problems.add(new Problem(file, at.line(), at.column(), field, message));
    }

    /** All problems, in the order they appear in the file. */
    List<Problem> problems() {
        List<Problem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
        return sorted;
    }

    boolean hasProblems() {
        return !problems.isEmpty();
    }

    static String field(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    /** Keys outside {@code allowed} are typos until proven otherwise; {@code x-} keys are the escape hatch. */
    void onlyKeys(Mapping m, String path, Set<String> allowed) {
        m.entries().forEach((key, entry) -> {
            if (!allowed.contains(key) && !key.startsWith("x-")) {
                add(entry.keyAt(), field(path, key), "unknown key '" + key + "' (allowed: " + String.join(", ", allowed.stream().sorted().toList())
                        + "; prefix your own keys with 'x-')");
            }
        });
    }

    Mapping mapping(SpecNode node, String path) {
        if (node instanceof Mapping m) return m;
        add(node.at(), path, "expected a mapping of keys, found " + node.describe());
        return null;
    }

    /** The list under {@code key}; null (with a problem when required) if absent, empty or not a list. */
    List<SpecNode> list(Mapping m, String key, String path, boolean required) {
        SpecNode node = present(m, key);
        String f = field(path, key);
        if (node == null) {
            if (required) add(m.at(), f, "is required");
            return null;
        }
        if (!(node instanceof Sequence s)) {
            add(node.at(), f, "expected a list, found " + node.describe());
            return null;
        }
        if (required && s.items().isEmpty()) add(s.at(), f, "needs at least one entry");
        return s.items();
    }

    /** The scalar under {@code key} as written (numbers and booleans as their text), or null. */
    String string(Mapping m, String key, String path, boolean required) {
        SpecNode node = present(m, key);
        String f = field(path, key);
        if (node == null) {
            if (required) add(m.at(), f, "is required");
            return null;
        }
        if (!(node instanceof Scalar s)) {
            add(node.at(), f, "expected a string, found " + node.describe());
            return null;
        }
        if (required && s.text().isBlank()) {
            add(s.at(), f, "must not be blank");
            return null;
        }
        return s.text();
    }

    /** Like {@link #string} plus a length limit. */
    String text(Mapping m, String key, String path, boolean required, int maxLength) {
        String s = string(m, key, path, required);
        if (s != null && s.length() > maxLength) {
            add(m.get(key).at(), field(path, key), "is " + s.length() + " characters long; at most " + maxLength + " are allowed");
            return null;
        }
        return s;
    }

    String id(Mapping m, String key, String path, boolean required) {
        String s = string(m, key, path, required);
        if (s != null && !Ids.isSafe(s)) {
            add(m.get(key).at(), field(path, key), "'" + s + "' is not a valid id (" + SAFE_ID_RULE + ")");
            return null;
        }
        return s;
    }

    Long nonNegativeInteger(Mapping m, String key, String path) {
        SpecNode node = present(m, key);
        if (node == null) return null;
        if (node instanceof Scalar s && (s.kind() == Kind.INTEGER || s.kind() == Kind.STRING) && NON_NEGATIVE.matcher(s.text().strip()).matches()) {
            return Long.parseLong(s.text().strip());
        }
        add(node.at(), field(path, key), "must be a non-negative integer, found " + shown(node));
        return null;
    }

    Instant instant(Mapping m, String key, String path, boolean required) {
        String s = string(m, key, path, required);
        if (s == null) return null;
        try {
            return OffsetDateTime.parse(s.strip()).toInstant();
        } catch (DateTimeParseException e) {
            add(m.get(key).at(), field(path, key), "'" + s + "' is not an ISO-8601 timestamp with an offset, e.g. 2026-02-19T10:30:00Z");
            return null;
        }
    }

    /**
     * Remembers the first place each id was used and reports later uses there.
     *
     * @return true when {@code id} was not seen before
     */
    boolean unique(Map<String, Location> seen, String id, Location at, String field, String what) {
        Location first = seen.putIfAbsent(id, at);
        if (first == null) return true;
        add(at, field, "duplicate " + what + " '" + id + "' (first used at line " + first.line() + ")");
        return false;
    }

    static Map<String, Location> seen() {
        return new HashMap<>();
    }

    /** Treats an explicit null ({@code key:} or {@code key: null}) like an absent key. */
    private static SpecNode present(Mapping m, String key) {
        SpecNode node = m.get(key);
        return node instanceof Scalar s && s.isNull() ? null : node;
    }

    private static String shown(SpecNode node) {
        return node instanceof Scalar s && !s.isNull() ? "'" + s.text() + "'" : node.describe();
    }
}
