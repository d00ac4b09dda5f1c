package dev.baton.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A value of a spec file as read, remembering where it stood: Jackson's own tree forgets locations,
 * and every problem we report must point at a line and column.
 */
sealed interface SpecNode permits SpecNode.Mapping, SpecNode.Sequence, SpecNode.Scalar {

    Location at();

    /** Plain, unmodifiable Java form (maps, lists, String, Number, Boolean, null) for keys we keep but do not interpret. */
    Object toPlain();

    /** How the node is named in messages, e.g. "expected a list, found a string". */
    String describe();

    /** 1-based; 0 when the parser could not tell. */
    record Location(int line, int column) {
        static final Location UNKNOWN = new Location(0, 0);
    }

    /** A mapping value together with where its key stood (unknown and duplicate keys are reported at the key). */
    record Entry(Location keyAt, SpecNode value) {
    }

    record Mapping(Location at, Map<String, Entry> entries) implements SpecNode {
        public Mapping {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        /** The value under {@code key}, or null when the key is absent. */
        SpecNode get(String key) {
            Entry e = entries.get(key);
            return e == null ? null : e.value();
        }

        @Override
        public Object toPlain() {
            Map<String, Object> out = new LinkedHashMap<>();
            entries.forEach((k, e) -> out.put(k, e.value().toPlain()));
            return Collections.unmodifiableMap(out);
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    record Sequence(Location at, List<SpecNode> items) implements SpecNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public Object toPlain() {
            List<Object> out = new ArrayList<>(items.size());
            items.forEach(i -> out.add(i.toPlain()));
            return Collections.unmodifiableList(out);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    enum Kind { STRING, INTEGER, FLOAT, BOOLEAN, NULL }

    /**
     * @param text  the scalar as written (so that {@code id: 007} or {@code model: 4} stay exactly what the user typed)
     * @param value the typed value: String, Number, Boolean or null
     */
    record Scalar(Location at, Kind kind, String text, Object value) implements SpecNode {

        boolean isNull() {
            return kind == Kind.NULL;
        }

        @Override
        public Object toPlain() {
            return value;
        }

        @Override
        public String describe() {
            return switch (kind) {
                case STRING -> "a string";
                case INTEGER, FLOAT -> "a number";
                case BOOLEAN -> "true/false";
                case NULL -> "nothing";
            };
        }
    }
}
