package dev.baton.agent.process;

import dev.baton.agent.AgentProfile.QueryInput;
import dev.baton.agent.AgentResult;
import dev.baton.agent.AgentStart.Source;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * ONESHOT mode: every query runs its own process. The query reaches the agent as an argument
 * ({@code {query}} in argv) or on stdin; the agent's stdout is the answer and its exit status the outcome.
 */
final class OneshotSession extends ProcessSession {
    /** How long to wait, after the agent exited, for the last buffered lines of its pipes. */
    static final Duration OUTPUT_DRAIN = Duration.ofSeconds(3);

    private final int outputLimitChars;

    OneshotSession(Launch launch, int outputLimitChars) {
        super(launch);
        this.outputLimitChars = outputLimitChars;
    }

    @Override
    AgentResult ask(String taskId, String query, long startedNanos) throws InterruptedException {
        boolean viaStdin = input() == QueryInput.STDIN;
        List<String> argv;
        try {
            argv = launch.argv(viaStdin ? null : query);
        } catch (IllegalArgumentException e) {
            return Results.startFailed(Results.NO_EXIT_CODE, "cannot start agent '" + launch.profile().name() + "': " + e.getMessage(), "", since(startedNanos));
        }
        CappedText output = new CappedText(outputLimitChars);
        AgentProcess process;
        try {
            process = launch.spawn(argv,
                    (line, partial) -> {
                        output.appendLine(line);
                        launch.output(taskId, Source.STDOUT, line, partial);
                    },
                    (line, partial) -> launch.output(taskId, Source.STDERR, line, partial));
        } catch (IOException e) {
            return Results.startFailed(Results.NO_EXIT_CODE, launch.cannotStart(argv, e), "", since(startedNanos));
        }
        CompletableFuture<Signal> signal = new CompletableFuture<>();
        try {
            if (!publish(process, signal)) {
                process.kill(launch.stopTimeout());
                return Results.stopped("", process.drainStderrTail(), since(startedNanos));
            }
            process.onExit().thenRun(() -> signal.complete(Signal.ENDED));
            feed(process, viaStdin ? query : null);
            return switch (await(signal, process)) {
                case ENDED -> {
                    process.awaitOutput(OUTPUT_DRAIN);
                    yield Results.exited(process.exitValue(), output.text(), process.drainStderrTail(), since(startedNanos));
                }
                case TIMED_OUT -> {
                    process.kill(launch.stopTimeout());
                    yield Results.timedOut(launch.queryTimeout(), output.text(), process.drainStderrTail(), since(startedNanos));
                }
                // stop() kills the tree; the query answers at once, with the output seen so far.
                case STOPPED, ANSWERED -> Results.stopped(output.text(), process.drainStderrTail(), since(startedNanos));
            };
        } finally {
            unpublish();
        }
    }

    /** The profile's input; when unset, ARGUMENT if argv takes {@code {query}}, else STDIN. */
    private QueryInput input() {
        QueryInput input = launch.profile().input();
        if (input != null) return input;
        return ArgvTemplate.uses(launch.profile().command(), ArgvTemplate.QUERY) ? QueryInput.ARGUMENT : QueryInput.STDIN;
    }

    /**
     * Writes the query (if any) to stdin and closes it, on a virtual thread: an agent that never reads
     * stdin must run into its timeout, not block the caller in a full pipe. Closing stdin also tells
     * agents that read until EOF that the query is complete.
     */
    private static void feed(AgentProcess process, String query) {
        Thread.ofVirtual().name("agent-" + process.pid() + "-stdin").start(() -> {
            try (OutputStream stdin = process.stdin()) {
                if (query != null) {
                    stdin.write(query.getBytes(StandardCharsets.UTF_8));
                    if (!query.endsWith("\n")) stdin.write('\n');
                }
            } catch (IOException e) {
                // The agent exited or closed stdin without reading: its exit status tells the story.
            }
        });
    }
}
