package dev.baton.agent.process;

import dev.baton.agent.AgentResult;
import dev.baton.agent.AgentStart.Source;
import dev.baton.agent.process.StreamJson.ResultLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * SESSION mode: one long-lived process per work, fed one {@link StreamJson#userMessage JSON line} per
 * query on stdin; the answer is the next {@code result} line on stdout. Every other stdout line goes to
 * the output listener only.
 *
 * <p>Start failures never throw: a program that cannot be executed, or a process that exits within the
 * start timeout without ever answering, makes the query answer START_FAILED. A process that ends later
 * (crash, timeout kill) is started again by the next query; the agent then loses its conversation, the
 * workspace keeps its files.
 */
final class StreamJsonSession extends ProcessSession {
    private static final Logger log = LoggerFactory.getLogger(StreamJsonSession.class);

    private final int outputLimitChars;
    /** The running process and what it has done; replaced when the process is started again. */
    private volatile Incarnation incarnation;
    private volatile String taskId;
    private volatile Pending pending;

    /** One process of this session. {@code answered}: it produced at least one result line. */
    private static final class Incarnation {
        final AgentProcess process;
        volatile boolean answered;

        Incarnation(AgentProcess process) {
            this.process = process;
        }
    }

    /** The query waiting for its result line. */
    private record Pending(CompletableFuture<Signal> signal, AtomicReference<ResultLine> result) {
        Pending() {
            this(new CompletableFuture<>(), new AtomicReference<>());
        }
    }

    StreamJsonSession(Launch launch, int outputLimitChars) {
        super(launch);
        this.outputLimitChars = outputLimitChars;
    }

    /** Starts the process now, as the launcher contract asks; a failure is reported by the first query. */
    void startEagerly() {
        try {
            startProcess();
        } catch (IOException | IllegalArgumentException e) {
            log.warn("agent '{}' did not start; the first query will try again and report it: {}", launch.profile().name(), e.getMessage());
        }
    }

    @Override
    AgentResult ask(String taskId, String query, long startedNanos) throws InterruptedException {
        Incarnation current = incarnation;
        if (current == null || !current.process.isAlive()) {
            if (current != null) log.info("agent '{}' process {} ended; starting a new one", launch.profile().name(), current.process.pid());
            try {
                current = startProcess();
            } catch (IllegalArgumentException e) {
                return Results.startFailed(Results.NO_EXIT_CODE, "cannot start agent '" + launch.profile().name() + "': " + e.getMessage(), "", since(startedNanos));
            } catch (IOException e) {
                return Results.startFailed(Results.NO_EXIT_CODE, launch.cannotStart(launch.argv(null), e), "", since(startedNanos));
            }
        }
        AgentProcess process = current.process;
        this.taskId = taskId;
        Pending waiting = new Pending();
        pending = waiting;
        try {
            if (!publish(process, waiting.signal())) {
                process.kill(launch.stopTimeout());
                return Results.stopped("", process.drainStderrTail(), since(startedNanos));
            }
            // The exit handler may have run before `pending` was set: check once more ourselves.
            if (!process.isAlive()) waiting.signal().complete(Signal.ENDED);
            send(process, StreamJson.userMessage(taskId, query));
            return answer(current, waiting, startedNanos);
        } finally {
            pending = null;
            unpublish();
        }
    }

    private AgentResult answer(Incarnation current, Pending query, long startedNanos) throws InterruptedException {
        AgentProcess process = current.process;
        Signal signal;
        try {
            signal = await(query.signal(), process);
        } catch (InterruptedException e) {
            incarnation = null; // killed by await(); the next query starts a new process
            throw e;
        }
        if (signal == Signal.ENDED) {
            // The result line (and the last stderr lines, for the report) may still sit in the pipes
            // when the exit is noticed.
            process.awaitOutput(OneshotSession.OUTPUT_DRAIN);
            if (query.result().get() != null) signal = Signal.ANSWERED;
        }
        return switch (signal) {
            case ANSWERED -> {
                ResultLine line = query.result().get();
                yield Results.answered(line.isError(), line.subtype(), cap(line.result()), process.drainStderrTail(), since(startedNanos));
            }
            case ENDED -> {
                int exitCode = process.exitValue();
                if (!current.answered && process.age().compareTo(launch.startTimeout()) <= 0) {
                    yield Results.startFailed(exitCode, "agent '" + launch.profile().name() + "' exited with code " + exitCode
                            + " within " + Results.seconds(launch.startTimeout()) + " of starting, before answering",
                            process.drainStderrTail(), since(startedNanos));
                }
                yield Results.exitedWithoutAnswer(exitCode, process.drainStderrTail(), since(startedNanos));
            }
            case TIMED_OUT -> {
                process.kill(launch.stopTimeout());
                // Killed, though perhaps not yet reaped (isAlive() may still say true): never reuse it.
                incarnation = null;
                yield Results.timedOut(launch.queryTimeout(), "", process.drainStderrTail(), since(startedNanos));
            }
            case STOPPED -> Results.stopped("", process.drainStderrTail(), since(startedNanos));
        };
    }

    private Incarnation startProcess() throws IOException {
        List<String> argv = launch.argv(null);
        AtomicReference<Incarnation> self = new AtomicReference<>();
        AgentProcess process = launch.spawn(argv,
                (line, partial) -> onStdout(self.get(), line, partial),
                (line, partial) -> launch.output(taskId, Source.STDERR, line, partial));
        Incarnation started = new Incarnation(process);
        self.set(started);
        incarnation = started;
        if (!publish(process, null)) process.kill(launch.stopTimeout());
        process.onExit().thenRun(() -> {
            Pending query = pending;
            if (incarnation == started && query != null) query.signal().complete(Signal.ENDED);
        });
        return started;
    }

    private void onStdout(Incarnation from, String line, boolean partial) {
        launch.output(taskId, Source.STDOUT, line, partial);
        Pending query = pending;
        if (from == null || from != incarnation || query == null) return;
        StreamJson.resultLine(line).ifPresent(result -> {
            from.answered = true;
            if (query.result().compareAndSet(null, result)) query.signal().complete(Signal.ANSWERED);
        });
    }

    /**
     * Writes one line to the agent's stdin on a virtual thread, so an agent that stops reading cannot block
     * the query past its timeout. Writes are serialised per process.
     */
    private static void send(AgentProcess process, String line) {
        Thread.ofVirtual().name("agent-" + process.pid() + "-stdin").start(() -> {
            OutputStream stdin = process.stdin();
            synchronized (stdin) {
                try {
                    stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    stdin.flush();
                } catch (IOException e) {
                    // The agent is gone; the exit handler reports it.
                }
            }
        });
    }

    private String cap(String answer) {
        if (answer.length() <= outputLimitChars) return answer;
        CappedText text = new CappedText(outputLimitChars);
        answer.lines().forEach(text::appendLine);
        return text.text();
    }
}
