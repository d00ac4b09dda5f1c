package dev.baton.spec;

import dev.baton.shared.BatonException;
import dev.baton.shared.Problem;
import dev.baton.spec.SpecNode.Entry;
import dev.baton.spec.SpecNode.Kind;
import dev.baton.spec.SpecNode.Location;
import dev.baton.spec.SpecNode.Mapping;
import dev.baton.spec.SpecNode.Scalar;
import dev.baton.spec.SpecNode.Sequence;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLParser;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a spec file (YAML, or JSON when it starts with '{') into a {@link SpecNode} tree with locations, using
 * Jackson's streaming parser. Syntax errors end the read with one problem; duplicate keys and aliases are
 * collected as problems and reading goes on, so they are reported together with the semantic ones.
 */
final class SpecTreeReader {
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new JsonMapper();
    /** A spec needs four levels; the limit only stops pathological input from exhausting the stack. */
    private static final int MAX_DEPTH = 64;

    record Result(Mapping root, List<Problem> problems) {
    }

    private final String file;
    private final JsonParser parser;
    private final List<Problem> problems = new ArrayList<>();

    private SpecTreeReader(String file, JsonParser parser) {
        this.file = file;
        this.parser = parser;
    }

    /** @throws BatonException.Invalid on malformed syntax, an empty file or a top level that is not a mapping */
    static Result read(String file, String content) {
        String text = content.startsWith("\uFEFF") ? content.substring(1) : content;
        // JSON is YAML too, but Jackson's JSON parser gives JSON's own error messages and exact columns.
        boolean json = text.stripLeading().startsWith("{");
        try (JsonParser p = (json ? JSON : YAML).createParser(text)) {
            SpecTreeReader reader = new SpecTreeReader(file, p);
            if (p.nextToken() == null) throw single(file, Location.UNKNOWN, "spec.empty", "the file is empty");
            SpecNode root = reader.value(0, "");
            if (!(root instanceof Mapping mapping)) {
                throw single(file, root.at(), "spec.not-a-mapping",
                        "the file must be a mapping of keys (id, name, repositories, works, tasks, …), not " + root.describe());
            }
            if (p.nextToken() != null) {
                reader.problems.add(reader.problem(reader.here(), null, "only one document is allowed; a second one starts here"));
            }
            return new Result(mapping, reader.problems);
        } catch (JacksonException e) {
            throw syntaxError(file, e);
        }
    }

    private SpecNode value(int depth, String path) {
        Location at = here();
        if (depth > MAX_DEPTH) throw single(file, at, "spec.too-deep", "values are nested deeper than " + MAX_DEPTH + " levels");
        JsonToken token = parser.currentToken();
        return switch (token) {
            case START_OBJECT -> mapping(at, depth, path);
            case START_ARRAY -> sequence(at, depth, path);
            case VALUE_STRING -> string(at, path);
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> number(at, token == JsonToken.VALUE_NUMBER_INT ? Kind.INTEGER : Kind.FLOAT);
            case VALUE_TRUE, VALUE_FALSE -> new Scalar(at, Kind.BOOLEAN, parser.getString(), token == JsonToken.VALUE_TRUE);
            case VALUE_NULL -> new Scalar(at, Kind.NULL, "", null);
            default -> {
                problems.add(problem(at, path, "unsupported value (" + token + ")"));
                yield new Scalar(at, Kind.NULL, "", null);
            }
        };
    }

    private Mapping mapping(Location at, int depth, String path) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String key = parser.currentName();
            Location keyAt = here();
            String childPath = path.isEmpty() ? key : path + "." + key;
            parser.nextToken();
            SpecNode child = value(depth + 1, childPath);
            Entry first = entries.get(key);
            if (first != null) {
                // YAML and JSON parsers silently keep the last duplicate; a spec with two "query:" lines is a mistake.
                problems.add(problem(keyAt, childPath, "duplicate key '" + key + "' (first at line " + first.keyAt().line() + ")"));
            } else {
                entries.put(key, new Entry(keyAt, child));
            }
        }
        return new Mapping(at, entries);
    }

    private Sequence sequence(Location at, int depth, String path) {
        List<SpecNode> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            items.add(value(depth + 1, path + "[" + items.size() + "]"));
        }
        return new Sequence(at, items);
    }

    private Scalar string(Location at, String path) {
        if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
            // Aliases would need anchor replay; refusing them also rules out "billion laughs" expansion.
            problems.add(problem(at, path, "aliases (*" + parser.getString() + ") are not supported; write the value out"));
            return new Scalar(at, Kind.NULL, "", null);
        }
        // Jackson reports a plain ~ as the string "~" and cannot tell it from a quoted one; a quoted "~" must stay
        // a string for written files to read back the same, so ~ is not null here (write null or leave the key out).
        String s = parser.getString();
        return new Scalar(at, Kind.STRING, s, s);
    }

    private Scalar number(Location at, Kind kind) {
        String text = parser.getString();
        Object value;
        try {
            value = parser.getNumberValue();
        } catch (JacksonException e) {
            value = text; // YAML forms Java cannot parse (.inf, 0o17): keep the text rather than fail
        }
        return new Scalar(at, kind, text, value);
    }

    private Location here() {
        return location(parser.currentTokenLocation());
    }

    private Problem problem(Location at, String field, String message) {
        return new Problem(file, at.line(), at.column(), field == null || field.isEmpty() ? null : field, message);
    }

    private static Location location(TokenStreamLocation l) {
        if (l == null) return Location.UNKNOWN;
        return new Location(Math.max(l.getLineNr(), 0), Math.max(l.getColumnNr(), 0));
    }

    private static BatonException.Invalid single(String file, Location at, String code, String message) {
        Problem p = new Problem(file, at.line(), at.column(), null, message);
        return new BatonException.Invalid(code, p.toString(), List.of(p));
    }

    /** One problem at the place the YAML/JSON parser points to, with its message and without a stack trace. */
    static BatonException.Invalid syntaxError(String file, JacksonException e) {
        Location at = location(e.getLocation());
        String message = firstLine(e.getOriginalMessage());
        if (e.getCause() instanceof MarkedYamlEngineException yaml) {
            Mark mark = yaml.getProblemMark().orElse(null);
            if (mark != null) at = new Location(mark.getLine() + 1, mark.getColumn() + 1);
            message = yaml.getProblem();
            Mark contextMark = yaml.getContextMark().orElse(null);
            if (yaml.getContext() != null && contextMark != null) {
                message += " (" + yaml.getContext() + " that starts at line " + (contextMark.getLine() + 1)
                        + ", column " + (contextMark.getColumn() + 1) + ")";
            }
        }
        Problem p = new Problem(file, at.line(), at.column(), null, "syntax error: " + message);
        return new BatonException.Invalid("spec.syntax", p.toString(), List.of(p));
    }

    private static String firstLine(String s) {
        if (s == null || s.isBlank()) return "malformed input";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
