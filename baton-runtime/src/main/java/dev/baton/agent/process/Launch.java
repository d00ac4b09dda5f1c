package dev.baton.agent.process;

import dev.baton.agent.AgentProfile;
import dev.baton.agent.AgentStart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What every process of one {@link AgentStart} shares: argv template values, environment, registry. */
final class Launch {
    /** Environment variable naming the workflow an agent works for; recorded for orphan reports. */
    static final String WORKFLOW_ID_ENV = "BATON_WORKFLOW_ID";

    static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofMinutes(30);
    static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

    private final AgentStart start;
    private final AgentProcessRegistry registry;
    private final Map<String, String> env;
    private final String model;

    Launch(AgentStart start, AgentProcessRegistry registry) {
        this.start = start;
        this.registry = registry;
        Map<String, String> merged = new HashMap<>(start.profile().env());
        merged.putAll(start.env());
        this.env = Map.copyOf(merged);
        this.model = start.model() != null ? start.model() : start.profile().defaultModel();
    }

    AgentStart start() {
        return start;
    }

    AgentProfile profile() {
        return start.profile();
    }

    /** Timeouts come from the start (resolved by the engine), else the profile, else a built-in default. */
    Duration startTimeout() {
        return firstOf(start.startTimeout(), profile().startTimeout(), DEFAULT_START_TIMEOUT);
    }

    Duration queryTimeout() {
        return firstOf(start.queryTimeout(), profile().queryTimeout(), DEFAULT_QUERY_TIMEOUT);
    }

    Duration stopTimeout() {
        return firstOf(start.stopTimeout(), null, DEFAULT_STOP_TIMEOUT);
    }

    private static Duration firstOf(Duration first, Duration second, Duration fallback) {
        return first != null ? first : second != null ? second : fallback;
    }

    void output(String taskId, AgentStart.Source source, String line) {
        output(taskId, source, line, false);
    }

    /** Hands a line (or a piece of a long one) to the start's listener, made printable for log storage. */
    void output(String taskId, AgentStart.Source source, String line, boolean partial) {
        start.output().line(taskId, source, PrintableText.escapeControls(line), partial);
    }

    /**
     * The argv for one process; {@code query} is null in SESSION mode.
     *
     * @throws IllegalArgumentException when the template uses a placeholder without value (no model)
     */
    List<String> argv(String query) {
        Map<String, String> values = new HashMap<>();
        values.put(ArgvTemplate.WORKSPACE, start.workspace().toAbsolutePath().toString());
        if (model != null) values.put(ArgvTemplate.MODEL, model);
        if (query != null) values.put(ArgvTemplate.QUERY, query);
        // The engine writes the work's MCP config file and names it in the environment (which reaches workers too).
        String mcpConfig = env.get(AgentStart.MCP_CONFIG_ENV);
        if (mcpConfig != null) values.put(ArgvTemplate.MCP_CONFIG, mcpConfig);
        List<String> argv = new ArrayList<>(ArgvTemplate.render(profile().command(), values));
        argv.set(0, absoluteIfRelativePath(argv.get(0)));
        return argv;
    }

    /**
     * The process runs in the workspace, so a relative program path like {@code examples/agents/x.sh}
     * would be looked up there; resolve it against Baton's own working directory instead. Plain names
     * ({@code claude}) are left to the PATH lookup.
     */
    private static String absoluteIfRelativePath(String program) {
        if (!program.contains("/")) return program;
        return Path.of(program).toAbsolutePath().normalize().toString();
    }

    AgentProcess spawn(List<String> argv, LinePump.Sink onStdout, LinePump.Sink onStderr) throws IOException {
        if (!Files.isDirectory(start.workspace())) {
            throw new IOException("workspace " + start.workspace() + " is not a directory");
        }
        return AgentProcess.start(argv, start.workspace(), env, onStdout, onStderr, registry, env.get(WORKFLOW_ID_ENV));
    }

    /** The message of a failed spawn, naming the profile and program. */
    String cannotStart(List<String> argv, Exception e) {
        return "cannot start agent '" + profile().name() + "' (" + argv.get(0) + "): " + e.getMessage();
    }
}
