package dev.baton.agent.process;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One running agent process: its stdout and stderr pumped line by line from the moment it starts, its
 * stderr tail kept for failure reports, and its record in the {@link AgentProcessRegistry}.
 */
final class AgentProcess {
    private final Process process;
    private final LinePump stdout;
    private final LinePump stderr;
    private final LineTail stderrTail;
    private final long startedNanos = System.nanoTime();
    /** Set when Baton stops the process: its exit is then no crash. */
    private volatile boolean killed;

    private AgentProcess(Process process, LinePump.Sink onStdout, LinePump.Sink onStderr) {
        this.process = process;
        this.stderrTail = new LineTail();
        this.stdout = LinePump.start("agent-" + process.pid() + "-stdout", process.getInputStream(), onStdout);
        this.stderr = LinePump.start("agent-" + process.pid() + "-stderr", process.getErrorStream(), (line, partial) -> {
            stderrTail.add(line);
            onStderr.line(line, partial);
        });
    }

    /**
     * Starts {@code argv} directly (no shell) in {@code workspace} with the inherited environment plus
     * {@code env}.
     *
     * @throws IOException when the program cannot be executed (not found, not executable, no workspace)
     */
    static AgentProcess start(List<String> argv, Path workspace, Map<String, String> env,
                              LinePump.Sink onStdout, LinePump.Sink onStderr,
                              AgentProcessRegistry registry, String workflowId) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(argv).directory(workspace.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        registry.record(process.toHandle(), workflowId);
        AgentProcess started = new AgentProcess(process, onStdout, onStderr);
        process.onExit().thenAccept(p -> registry.exited(Duration.ofNanos(System.nanoTime() - started.startedNanos), p.exitValue(), started.killed));
        return started;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    int exitValue() {
        return process.exitValue();
    }

    OutputStream stdin() {
        return process.getOutputStream();
    }

    /** Time since the process was started. */
    Duration age() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /**
     * Waits (at most {@code grace}) until stdout and stderr reached EOF, so lines written just before the
     * exit are not lost. A background child still holding the pipes must not hold up the answer, hence the bound.
     */
    void awaitOutput(Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        stdout.awaitFinished(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        stderr.awaitFinished(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    String drainStderrTail() {
        return stderrTail.drain();
    }

    /** Kills the whole process tree: SIGTERM, then SIGKILL after {@code grace}. */
    void kill(Duration grace) {
        killed = true;
        ProcessTree.kill(process.toHandle(), grace);
    }
}
