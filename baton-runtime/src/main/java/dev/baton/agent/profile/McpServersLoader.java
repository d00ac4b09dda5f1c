package dev.baton.agent.profile;

import dev.baton.agent.profile.YamlTree.Entry;
import dev.baton.agent.profile.YamlTree.Location;
import dev.baton.agent.profile.YamlTree.Mapping;
import dev.baton.agent.profile.YamlTree.Node;
import dev.baton.agent.profile.YamlTree.Scalar;
import dev.baton.agent.profile.YamlTree.Sequence;
import dev.baton.mcp.McpRegistry;
import dev.baton.mcp.McpServer;
import dev.baton.shared.BatonException;
import dev.baton.shared.Problem;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the global MCP servers (the file BATON_MCP_SERVERS names):
 * <pre>
 * servers:
 *   github: {command: [npx, -y, "@modelcontextprotocol/server-github"], env: {GITHUB_TOKEN: "${GITHUB_TOKEN}"}, global: true}
 *   docs:   {url: "http://127.0.0.1:8000/mcp", headers: {Authorization: "Bearer ${DOCS_TOKEN}"}}
 * </pre>
 * A server has either {@code command} (stdio; an argv list, never a shell string) or {@code url} (http).
 * {@code global: true} puts it into every work's config; the others only where a work names it. Values stay
 * as written: {@code ${NAME}} is resolved when a work's config is merged. Every problem is reported at once
 * with file, line, column and field ({@code mcp.invalid-servers}).
 */
public final class McpServersLoader {
    private static final List<String> TOP_LEVEL_KEYS = List.of("servers");
    private static final List<String> SERVER_KEYS = List.of("command", "env", "url", "headers", "global");
    private static final Pattern SERVER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

    private final Path baseDirectory;

    /** @param baseDirectory where a relative program path with a slash is resolved (as for agent profiles) */
    public McpServersLoader(Path baseDirectory) {
        this.baseDirectory = baseDirectory.toAbsolutePath().normalize();
    }

    /**
     * @param maxServers MCP_MAX_SERVERS: a file with more servers is refused
     * @throws BatonException.Invalid when the file cannot be read, holds invalid servers or too many
     */
    public McpRegistry load(Path file, int maxServers) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw invalid(file.toString(), List.of(new Problem(file.toString(), 0, 0, null, "cannot read: " + e)));
        }
        return parse(text, file.toString(), maxServers);
    }

    /** @param file the name used in problem locations */
    public McpRegistry parse(String yaml, String file, int maxServers) {
        Node root;
        try {
            root = YamlTree.parse(new StringReader(yaml), file);
        } catch (YamlTree.Unreadable e) {
            throw invalid(file, e.problems());
        }
        List<Problem> problems = new ArrayList<>();
        List<McpServer> servers = new ArrayList<>();
        Set<String> global = new LinkedHashSet<>();
        if (root == null) {
            problems.add(problem(file, new Location(1, 1), null, "is empty; expected a 'servers:' mapping"));
        } else if (root instanceof Mapping top) {
            unknownKeys(file, top, "", TOP_LEVEL_KEYS, problems);
            Entry entry = top.entries().get("servers");
            if (entry == null) {
                problems.add(problem(file, top.location(), "servers", "missing; expected a mapping of server names to servers"));
            } else if (entry.value() instanceof Mapping byName) {
                if (byName.entries().size() > maxServers) {
                    problems.add(problem(file, entry.keyLocation(), "servers", byName.entries().size() + " MCP servers are configured in " + file
                            + "; at most MCP_MAX_SERVERS=" + maxServers + " are allowed"));
                }
                for (Entry server : byName.entries().values()) {
                    McpServer read = readServer(file, server, problems);
                    boolean isGlobal = isGlobal(file, server, problems);
                    if (read == null) continue;
                    servers.add(read);
                    if (isGlobal) global.add(read.name());
                }
            } else if (!(entry.value() instanceof Scalar s && s.text() == null)) {
                problems.add(problem(file, entry.keyLocation(), "servers", "expected a mapping of server names to servers, found " + entry.value().kind()));
            }
        } else {
            problems.add(problem(file, root.location(), null, "expected a mapping with a 'servers:' key, found " + root.kind()));
        }
        if (!problems.isEmpty()) throw invalid(file, problems);
        return new McpRegistry(servers, global);
    }

    private McpServer readServer(String file, Entry entry, List<Problem> problems) {
        String name = entry.key();
        String field = "servers." + name;
        int before = problems.size();
        if (!SERVER_NAME.matcher(name).matches()) {
            problems.add(problem(file, entry.keyLocation(), field, "invalid server name (letters, digits, '.', '_' and '-'; starting with a letter or digit)"));
        }
        if (!(entry.value() instanceof Mapping server)) {
            problems.add(problem(file, entry.keyLocation(), field, "expected a mapping with command (stdio) or url (http), found " + entry.value().kind()));
            return null;
        }
        unknownKeys(file, server, field, SERVER_KEYS, problems);
        Map<String, Entry> e = server.entries();
        boolean stdio = e.containsKey("command");
        boolean http = e.containsKey("url");
        if (stdio == http) {
            problems.add(problem(file, server.location(), field, stdio
                    ? "has both command and url; a server is either started (command, stdio) or reached (url, http)"
                    : "needs command (a program to start, stdio) or url (http)"));
            return null;
        }
        if (stdio && e.containsKey("headers")) problems.add(problem(file, e.get("headers").keyLocation(), field + ".headers", "only applies to url servers; a command server gets env"));
        if (http && e.containsKey("env")) problems.add(problem(file, e.get("env").keyLocation(), field + ".env", "only applies to command servers; a url server gets headers"));
        if (stdio) {
            List<String> command = command(file, e.get("command"), field + ".command", problems);
            Map<String, String> env = values(file, e.get("env"), field + ".env", ENV_NAME, "environment variable", problems);
            return problems.size() > before ? null : new McpServer.Stdio(name, command, env);
        }
        String url = url(file, e.get("url"), field + ".url", problems);
        Map<String, String> headers = values(file, e.get("headers"), field + ".headers", HEADER_NAME, "header", problems);
        return problems.size() > before ? null : new McpServer.Http(name, url, headers);
    }

    private static boolean isGlobal(String file, Entry server, List<Problem> problems) {
        Entry g = server.value() instanceof Mapping m ? m.entries().get("global") : null;
        if (g == null) return false;
        String word = g.value() instanceof Scalar s && s.text() != null ? s.text().strip().toLowerCase(Locale.ROOT) : "";
        if (word.equals("true")) return true;
        if (!word.equals("false")) {
            problems.add(problem(file, g.keyLocation(), "servers." + server.key() + ".global", "expected true or false, found "
                    + (g.value() instanceof Scalar s && s.text() != null ? "'" + s.text() + "'" : g.value().kind())));
        }
        return false;
    }

    private List<String> command(String file, Entry entry, String field, List<Problem> problems) {
        List<String> command = new ArrayList<>();
        if (entry.value() instanceof Scalar scalar && scalar.text() != null) {
            if (scalar.text().strip().contains(" ")) {
                problems.add(problem(file, entry.keyLocation(), field, "is a single string with spaces, but Baton runs no shell: write the argv as a list, "
                        + "one element per argument"));
                return null;
            }
            command.add(scalar.text());
        } else if (entry.value() instanceof Sequence sequence) {
            for (int i = 0; i < sequence.items().size(); i++) {
                if (sequence.items().get(i) instanceof Scalar s && s.text() != null) {
                    command.add(s.text());
                } else {
                    problems.add(problem(file, sequence.items().get(i).location(), field + "[" + i + "]", "expected a single value, found " + sequence.items().get(i).kind()));
                    return null;
                }
            }
        } else {
            problems.add(problem(file, entry.keyLocation(), field, "expected a list of arguments, found " + entry.value().kind()));
            return null;
        }
        if (command.isEmpty() || command.getFirst().isBlank()) {
            problems.add(problem(file, entry.keyLocation(), field, command.isEmpty() ? "is empty; the first element must be the program to run"
                    : "the first element (the program) is empty"));
            return null;
        }
        String program = command.getFirst();
        if (program.contains("/") && !Path.of(program).isAbsolute()) command.set(0, baseDirectory.resolve(program).normalize().toString());
        return command;
    }

    private static String url(String file, Entry entry, String field, List<Problem> problems) {
        if (!(entry.value() instanceof Scalar s) || s.text() == null || s.text().isBlank()) {
            problems.add(problem(file, entry.keyLocation(), field, "expected an http(s) URL, found " + entry.value().kind()));
            return null;
        }
        String url = s.text().strip();
        // ${VAR} parts are resolved at merge time; check the shape of what is written around them.
        try {
            URI uri = new URI(url.replaceAll("\\$\\{[A-Za-z_][A-Za-z0-9_]*}", "x"));
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) return url;
        } catch (URISyntaxException e) {
            // reported below
        }
        problems.add(problem(file, entry.keyLocation(), field, "'" + url + "' is not an http(s) URL such as http://127.0.0.1:8000/mcp"));
        return null;
    }

    private static Map<String, String> values(String file, Entry entry, String field, Pattern names, String what, List<Problem> problems) {
        Map<String, String> out = new LinkedHashMap<>();
        if (entry == null) return out;
        if (!(entry.value() instanceof Mapping m)) {
            problems.add(problem(file, entry.keyLocation(), field, "expected a mapping of " + what + " names to values, found " + entry.value().kind()));
            return out;
        }
        for (Entry v : m.entries().values()) {
            if (!names.matcher(v.key()).matches()) {
                problems.add(problem(file, v.keyLocation(), field + "." + v.key(), "invalid " + what + " name"));
            } else if (!(v.value() instanceof Scalar s) || s.text() == null) {
                problems.add(problem(file, v.keyLocation(), field + "." + v.key(), "expected a value, found " + v.value().kind()));
            } else {
                out.put(v.key(), s.text());
            }
        }
        return out;
    }

    private static void unknownKeys(String file, Mapping mapping, String field, List<String> known, List<Problem> problems) {
        for (Entry entry : mapping.entries().values()) {
            if (!known.contains(entry.key())) {
                problems.add(problem(file, entry.keyLocation(), field.isEmpty() ? entry.key() : field + "." + entry.key(),
                        "unknown key (expected one of " + String.join(", ", known) + ")"));
            }
        }
    }

    private static Problem problem(String file, Location at, String field, String message) {
        return new Problem(file, at.line(), at.column(), field, message);
    }

    private static BatonException.Invalid invalid(String file, List<Problem> problems) {
        StringBuilder message = new StringBuilder("invalid MCP servers in ").append(file).append(" (BATON_MCP_SERVERS):");
        for (Problem problem : problems) message.append("\n  ").append(problem);
        return new BatonException.Invalid("mcp.invalid-servers", message.toString(), problems);
    }
}
