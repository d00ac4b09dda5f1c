package dev.baton.agent.profile;

import dev.baton.shared.Problem;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a small tree that remembers where every node and key starts, so that validation
 * errors can say {@code file:line:column}. Built from Jackson's YAML token stream (data binding would
 * lose the locations).
 */
final class YamlTree {
    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private YamlTree() {
    }

    /** 1-based line and column. */
    record Location(int line, int column) {
        static Location of(TokenStreamLocation location) {
            return new Location(Math.max(0, location.getLineNr()), Math.max(0, location.getColumnNr()));
        }
    }

    sealed interface Node permits Scalar, Sequence, Mapping {
        Location location();

        /** What the node is, for "expected a list, found a mapping" messages. */
        String kind();
    }

    /** A scalar; {@code text} is null for YAML null ({@code ~} or nothing). */
    record Scalar(String text, Location location) implements Node {
        @Override
        public String kind() {
            return text == null ? "nothing (null)" : "a single value";
        }
    }

    record Sequence(List<Node> items, Location location) implements Node {
        @Override
        public String kind() {
            return "a list";
        }
    }

    record Mapping(Map<String, Entry> entries, Location location) implements Node {
        @Override
        public String kind() {
            return "a mapping";
        }
    }

    /** A key of a mapping, where it is written, and its value. */
    record Entry(String key, Location keyLocation, Node value) {
    }

    /** Thrown for YAML that cannot be read at all; carries the located problems. */
    static final class Unreadable extends Exception {
        private final transient List<Problem> problems;

        Unreadable(List<Problem> problems) {
            super(problems.getFirst().toString());
            this.problems = List.copyOf(problems);
        }

        List<Problem> problems() {
            return problems;
        }
    }

    /** Parses the first document; null when the input holds no document at all. */
    static Node parse(Reader reader, String file) throws Unreadable {
        List<Problem> duplicates = new ArrayList<>();
        try (JsonParser parser = YAML.createParser(reader)) {
            JsonToken first = parser.nextToken();
            if (first == null) return null;
            Node root = read(parser, file, "", duplicates);
            if (!duplicates.isEmpty()) throw new Unreadable(duplicates);
            return root;
        } catch (StreamReadException e) {
            TokenStreamLocation at = e.getLocation() != null ? e.getLocation() : TokenStreamLocation.NA;
            Location location = Location.of(at);
            throw new Unreadable(List.of(new Problem(file, location.line(), location.column(), null, "not valid YAML: " + e.getOriginalMessage())));
        } catch (JacksonException e) {
            throw new Unreadable(List.of(new Problem(file, 0, 0, null, "not valid YAML: " + e.getOriginalMessage())));
        }
    }

    /** Reads the value whose first token is the parser's current token. */
    private static Node read(JsonParser parser, String file, String path, List<Problem> duplicates) {
        Location location = Location.of(parser.currentTokenLocation());
        JsonToken token = parser.currentToken();
        return switch (token) {
            case START_OBJECT -> {
                Map<String, Entry> entries = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                    String key = parser.currentName();
                    Location keyLocation = Location.of(parser.currentTokenLocation());
                    parser.nextToken();
                    String field = path.isEmpty() ? key : path + "." + key;
                    Node value = read(parser, file, field, duplicates);
                    if (entries.putIfAbsent(key, new Entry(key, keyLocation, value)) != null) {
                        duplicates.add(new Problem(file, keyLocation.line(), keyLocation.column(), field,
                                "appears twice (first at line " + entries.get(key).keyLocation().line() + ")"));
                    }
                }
                yield new Mapping(entries, location);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                int index = 0;
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(parser, file, path + "[" + index++ + "]", duplicates));
                }
                yield new Sequence(items, location);
            }
            case VALUE_NULL -> new Scalar(null, location);
            default -> new Scalar(parser.getString(), location);
        };
    }
}
