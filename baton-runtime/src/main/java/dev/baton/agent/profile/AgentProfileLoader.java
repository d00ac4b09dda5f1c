package dev.baton.agent.profile;

import dev.baton.agent.AgentProfile;
import dev.baton.agent.AgentProfile.AgentMode;
import dev.baton.agent.AgentProfile.QueryInput;
import dev.baton.agent.profile.YamlTree.Entry;
import dev.baton.agent.profile.YamlTree.Location;
import dev.baton.agent.profile.YamlTree.Mapping;
import dev.baton.agent.profile.YamlTree.Node;
import dev.baton.agent.profile.YamlTree.Scalar;
import dev.baton.agent.profile.YamlTree.Sequence;
import dev.baton.shared.BatonException;
import dev.baton.shared.Problem;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads agent profiles from YAML:
 * <pre>
 * profiles:
 *   codex:
 *     mode: oneshot            # oneshot (default) | session
 *     input: argument          # argument | stdin; default: argument if the command contains {query}
 *     command: ["codex", "exec", "--model", "{model}", "{query}"]
 *     env: {FOO: bar}
 *     defaultModel: gpt-5-codex
 *     startTimeoutMs: 30000
 *     queryTimeoutMs: 600000
 * </pre>
 * Every problem is collected, located ({@code file:line:column: field: message}) and reported at once
 * as a {@link BatonException.Invalid} with code {@code agent.invalid-profiles}.
 */
public final class AgentProfileLoader {
    private static final List<String> TOP_LEVEL_KEYS = List.of("profiles");
    private static final List<String> PROFILE_KEYS =
            List.of("mode", "input", "command", "env", "defaultModel", "startTimeoutMs", "queryTimeoutMs");
    private static final Pattern PROFILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** An element that is nothing but a {word}: almost certainly meant as a placeholder. */
    private static final Pattern LONE_PLACEHOLDER = Pattern.compile("\\{([A-Za-z_]+)}");
    private static final Set<String> PLACEHOLDERS = Set.of("query", "model", "workspace", "mcpConfig");

    private final Path baseDirectory;

    /**
     * @param baseDirectory where a relative program path such as {@code examples/agents/x.sh} is resolved
     *                      (the repository root, the folder of the server's config …); names without a
     *                      slash are left to the PATH lookup
     */
    public AgentProfileLoader(Path baseDirectory) {
        this.baseDirectory = baseDirectory.toAbsolutePath().normalize();
    }

    /** @throws BatonException.Invalid when the file cannot be read or holds invalid profiles */
    public AgentProfiles load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BatonException.Invalid("agent.profiles-unreadable", "cannot read agent profiles " + file + ": " + e,
                    List.of(new Problem(file.toString(), 0, 0, null, "cannot read: " + e.getMessage())));
        }
        return parse(new StringReader(text), file.toString());
    }

    /** @param file the name used in problem locations */
    public AgentProfiles parse(String yaml, String file) {
        return parse(new StringReader(yaml), file);
    }

    private AgentProfiles parse(Reader reader, String file) {
        Node root;
        try {
            root = YamlTree.parse(reader, file);
        } catch (YamlTree.Unreadable e) {
            throw invalid(file, e.problems());
        }
        Problems problems = new Problems(file);
        List<AgentProfile> profiles = new ArrayList<>();
        if (root == null) {
            problems.add(new Location(1, 1), null, "is empty; expected a 'profiles:' mapping");
        } else if (root instanceof Mapping top) {
            problems.unknownKeys(top, "", TOP_LEVEL_KEYS);
            Entry entry = top.entries().get("profiles");
            if (entry == null) {
                problems.add(top.location(), "profiles", "missing; expected a mapping of profile names to profiles");
            } else if (entry.value() instanceof Mapping byName) {
                for (Entry profile : byName.entries().values()) {
                    AgentProfile read = readProfile(profile, problems);
                    if (read != null) profiles.add(read);
                }
            } else {
                problems.add(entry.keyLocation(), "profiles", "expected a mapping of profile names to profiles, found " + entry.value().kind());
            }
        } else {
            problems.add(root.location(), null, "expected a mapping with a 'profiles:' key, found " + root.kind());
        }
        if (!problems.isEmpty()) throw invalid(file, problems.list());
        return new AgentProfiles(profiles);
    }

    /** The profile, or null when it has problems (all of them added). */
    private AgentProfile readProfile(Entry entry, Problems problems) {
        String name = entry.key();
        String field = "profiles." + name;
        int before = problems.size();
        if (!PROFILE_NAME.matcher(name).matches()) {
            problems.add(entry.keyLocation(), field, "invalid profile name (letters, digits, '.', '_' and '-'; starting with a letter or digit)");
        }
        if (!(entry.value() instanceof Mapping profile)) {
            problems.add(entry.keyLocation(), field, "expected a mapping with mode, command …, found " + entry.value().kind());
            return null;
        }
        problems.unknownKeys(profile, field, PROFILE_KEYS);
        AgentMode mode = choice(profile, field, "mode", AgentMode.class, AgentMode.ONESHOT, problems);
        QueryInput input = choice(profile, field, "input", QueryInput.class, null, problems);
        List<String> command = command(profile, field, problems);
        Map<String, String> env = env(profile, field, problems);
        String defaultModel = text(profile, field, "defaultModel", problems);
        Duration startTimeout = millis(profile, field, "startTimeoutMs", problems);
        Duration queryTimeout = millis(profile, field, "queryTimeoutMs", problems);
        if (command != null && mode != null) checkQueryPlaceholder(profile, field, mode, input, command, problems);
        if (problems.size() > before) return null;
        if (mode == AgentMode.ONESHOT && input == null) {
            input = command.stream().anyMatch(element -> element.contains("{query}")) ? QueryInput.ARGUMENT : QueryInput.STDIN;
        }
        return new AgentProfile(name, mode, command, input, env, defaultModel, startTimeout, queryTimeout);
    }

    private <E extends Enum<E>> E choice(Mapping profile, String field, String key, Class<E> type, E absent, Problems problems) {
        Entry entry = profile.entries().get(key);
        if (entry == null) return absent;
        List<String> allowed = new ArrayList<>();
        for (E constant : type.getEnumConstants()) allowed.add(constant.name().toLowerCase(Locale.ROOT));
        String expected = "(expected " + String.join(" or ", allowed) + ")";
        if (!(entry.value() instanceof Scalar scalar) || scalar.text() == null) {
            problems.add(entry.keyLocation(), field + "." + key, "expected one word " + expected + ", found " + entry.value().kind());
            return null;
        }
        String word = scalar.text().strip().toLowerCase(Locale.ROOT);
        if (!allowed.contains(word)) {
            problems.add(entry.keyLocation(), field + "." + key, "unknown " + key + " '" + scalar.text() + "' " + expected);
            return null;
        }
        return Enum.valueOf(type, word.toUpperCase(Locale.ROOT));
    }

    private List<String> command(Mapping profile, String field, Problems problems) {
        String name = field + ".command";
        Entry entry = profile.entries().get("command");
        if (entry == null) {
            problems.add(profile.location(), name, "missing; give the program and its arguments as a list, e.g. [\"claude\", \"-p\"]");
            return null;
        }
        List<String> command = new ArrayList<>();
        if (entry.value() instanceof Scalar scalar && scalar.text() != null) {
            if (scalar.text().strip().contains(" ")) {
                problems.add(entry.keyLocation(), name, "is a single string with spaces, but Baton runs no shell: write the argv as a list, "
                        + "one element per argument, e.g. " + suggestList(scalar.text()));
                return null;
            }
            command.add(scalar.text());
        } else if (entry.value() instanceof Sequence sequence) {
            for (int i = 0; i < sequence.items().size(); i++) {
                Node item = sequence.items().get(i);
                if (item instanceof Scalar scalar && scalar.text() != null) {
                    command.add(scalar.text());
                } else {
                    problems.add(item.location(), name + "[" + i + "]", "expected a single value, found " + item.kind());
                    return null;
                }
            }
        } else {
            problems.add(entry.keyLocation(), name, "expected a list of arguments, found " + entry.value().kind());
            return null;
        }
        if (command.isEmpty() || command.getFirst().isBlank()) {
            problems.add(entry.keyLocation(), name, command.isEmpty() ? "is empty; the first element must be the program to run"
                    : "the first element (the program) is empty");
            return null;
        }
        for (int i = 0; i < command.size(); i++) {
            Matcher m = LONE_PLACEHOLDER.matcher(command.get(i));
            if (m.matches() && !PLACEHOLDERS.contains(m.group(1))) {
                problems.add(locationOf(entry, i), name + "[" + i + "]", "unknown placeholder " + command.get(i) + " (known: {query}, {model}, {workspace}, {mcpConfig})");
            }
        }
        command.set(0, resolveProgram(command.getFirst()));
        return command;
    }

    private static Location locationOf(Entry command, int index) {
        return command.value() instanceof Sequence sequence ? sequence.items().get(index).location() : command.keyLocation();
    }

    /** {@code claude -p} → {@code ["claude", "-p"]}, to show what a list looks like. */
    private static String suggestList(String shellString) {
        List<String> words = new ArrayList<>();
        for (String word : shellString.strip().split("\\s+")) words.add("\"" + word.replace("\"", "\\\"") + "\"");
        return "[" + String.join(", ", words) + "]";
    }

    /** Relative paths with a slash are resolved against the base directory; plain names stay for the PATH lookup. */
    private String resolveProgram(String program) {
        if (!program.contains("/") || Path.of(program).isAbsolute()) return program;
        return baseDirectory.resolve(program).normalize().toString();
    }

    private static void checkQueryPlaceholder(Mapping profile, String field, AgentMode mode, QueryInput input, List<String> command, Problems problems) {
        boolean takesQuery = command.stream().anyMatch(element -> element.contains("{query}"));
        Location at = profile.entries().get("command").keyLocation();
        if (mode == AgentMode.SESSION && takesQuery) {
            problems.add(at, field + ".command", "contains {query}, but a session agent gets its queries as JSON lines on stdin");
        } else if (mode == AgentMode.SESSION && input != null) {
            problems.add(profile.entries().get("input").keyLocation(), field + ".input", "only applies to oneshot mode; a session agent always reads JSON lines on stdin");
        } else if (input == QueryInput.ARGUMENT && !takesQuery) {
            problems.add(at, field + ".command", "input is argument, but no element contains {query}");
        } else if (input == QueryInput.STDIN && takesQuery) {
            problems.add(at, field + ".command", "input is stdin, but an element contains {query}");
        }
    }

    private static Map<String, String> env(Mapping profile, String field, Problems problems) {
        Entry entry = profile.entries().get("env");
        Map<String, String> env = new LinkedHashMap<>();
        if (entry == null) return env;
        if (!(entry.value() instanceof Mapping variables)) {
            problems.add(entry.keyLocation(), field + ".env", "expected a mapping of variable names to values, found " + entry.value().kind());
            return env;
        }
        for (Entry variable : variables.entries().values()) {
            String name = field + ".env." + variable.key();
            if (!ENV_NAME.matcher(variable.key()).matches()) {
                problems.add(variable.keyLocation(), name, "invalid environment variable name");
            } else if (!(variable.value() instanceof Scalar scalar) || scalar.text() == null) {
                problems.add(variable.keyLocation(), name, "expected a value, found " + variable.value().kind());
            } else {
                env.put(variable.key(), scalar.text());
            }
        }
        return env;
    }

    private static String text(Mapping profile, String field, String key, Problems problems) {
        Entry entry = profile.entries().get(key);
        if (entry == null) return null;
        if (entry.value() instanceof Scalar scalar && scalar.text() != null && !scalar.text().isBlank()) return scalar.text();
        problems.add(entry.keyLocation(), field + "." + key, "expected a non-empty value, found " + entry.value().kind());
        return null;
    }

    private static Duration millis(Mapping profile, String field, String key, Problems problems) {
        Entry entry = profile.entries().get(key);
        if (entry == null) return null;
        if (entry.value() instanceof Scalar scalar && scalar.text() != null) {
            try {
                long millis = Long.parseLong(scalar.text().strip());
                if (millis > 0) return Duration.ofMillis(millis);
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        problems.add(entry.keyLocation(), field + "." + key, "expected a positive number of milliseconds, found '"
                + (entry.value() instanceof Scalar scalar ? scalar.text() : entry.value().kind()) + "'");
        return null;
    }

    private static BatonException.Invalid invalid(String file, List<Problem> problems) {
        StringBuilder message = new StringBuilder("invalid agent profiles in ").append(file).append(':');
        for (Problem problem : problems) message.append("\n  ").append(problem);
        return new BatonException.Invalid("agent.invalid-profiles", message.toString(), problems);
    }

    /** Collected problems of one file. */
    private static final class Problems {
        private final String file;
        private final List<Problem> list = new ArrayList<>();

        Problems(String file) {
            this.file = file;
        }

        void add(Location at, String field, String message) {
            list.add(new Problem(file, at.line(), at.column(), field, message));
        }

        void unknownKeys(Mapping mapping, String field, List<String> known) {
            for (Entry entry : mapping.entries().values()) {
                if (!known.contains(entry.key())) {
                    add(entry.keyLocation(), field.isEmpty() ? entry.key() : field + "." + entry.key(),
                            "unknown key (expected one of " + String.join(", ", known) + ")");
                }
            }
        }

        int size() {
            return list.size();
        }

        boolean isEmpty() {
            return list.isEmpty();
        }

        List<Problem> list() {
            return list;
        }
    }
}
