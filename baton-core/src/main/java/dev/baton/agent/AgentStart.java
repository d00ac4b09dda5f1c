package dev.baton.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything needed to start an agent for one work.
 *
 * @param workspace    working directory of the agent process (the WorkSpace folder)
 * @param model        resolved model, may be null
 * @param env          environment added on top of the profile's (BATON_WORKFLOW_ID, BATON_CORRELATION_ID, …)
 * @param startTimeout how long a SESSION process may take to come up
 * @param queryTimeout how long one query may take before its process tree is killed
 * @param stopTimeout  between SIGTERM and SIGKILL when stopping
 * @param output       receives every output line as it arrives (live logs); never null
 */
public record AgentStart(AgentProfile profile, Path workspace, String model, Map<String, String> env,
                         Duration startTimeout, Duration queryTimeout, Duration stopTimeout, OutputListener output) {

    /**
     * The environment variable holding the path of the work's merged MCP config file; the argv placeholder
     * {@code {mcpConfig}} expands to its value. It travels in {@link #env()}, so it reaches remote workers too.
     */
    public static final String MCP_CONFIG_ENV = "BATON_MCP_CONFIG";

    public AgentStart {
        env = Map.copyOf(env);
    }

    /** Receives agent output line by line. */
    @FunctionalInterface
    public interface OutputListener {
        void line(String taskId, Source source, String line);

        /**
         * One line as read, or one piece of a line longer than 64 KiB: {@code partial} is true on every piece but
         * the last. Control characters other than tab arrive escaped ({@code \\u0000} style) and invalid UTF-8 as
         * U+FFFD, so the text is printable. Called on the reading thread as soon as the line is read, so a
         * timestamp taken here is the time it was read. Listeners that do not care about pieces inherit this.
         */
        default void line(String taskId, Source source, String line, boolean partial) {
            line(taskId, source, line);
        }

        OutputListener NONE = (taskId, source, line) -> { };
    }

    public enum Source { STDOUT, STDERR }
}
