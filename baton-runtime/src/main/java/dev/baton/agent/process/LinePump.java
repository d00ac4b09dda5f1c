package dev.baton.agent.process;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Reads one output stream of a process line by line until EOF and hands each line to a consumer. Every
 * stream of every agent gets its own pump, so a process filling one pipe can never block on the other.
 * Lines longer than {@link #MAX_LINE_CHARS} are split, so a process writing megabytes without a newline
 * cannot exhaust memory.
 */
final class LinePump {
    static final int MAX_LINE_CHARS = 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(LinePump.class);

    private final InputStream in;
    private final Consumer<String> sink;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();

    private LinePump(InputStream in, Consumer<String> sink) {
        this.in = in;
        this.sink = sink;
    }

    /**
     * Starts pumping on a platform daemon thread: reading a pipe blocks in native code, which would pin a
     * virtual thread's carrier anyway, and daemon threads never keep the JVM alive.
     */
    static LinePump start(String threadName, InputStream in, Consumer<String> sink) {
        LinePump pump = new LinePump(in, sink);
        Thread.ofPlatform().daemon().name(threadName).start(pump::run);
        return pump;
    }

    /** Completes at EOF (all writers of the pipe, including forked children, have closed it). */
    CompletableFuture<Void> finished() {
        return finished;
    }

    /** Waits for EOF at most {@code timeout}; false when the stream is still open (a child holds it). */
    boolean awaitFinished(Duration timeout) throws InterruptedException {
        try {
            finished.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }

    private void run() {
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            char[] buffer = new char[8192];
            StringBuilder line = new StringBuilder();
            int n;
            while ((n = reader.read(buffer)) != -1) {
                for (int i = 0; i < n; i++) {
                    char c = buffer[i];
                    if (c == '\n') {
                        emit(line);
                    } else {
                        line.append(c);
                        // Split over-long lines, but never between the two halves of a surrogate pair.
                        if (line.length() >= MAX_LINE_CHARS && !Character.isHighSurrogate(c)) emit(line);
                    }
                }
            }
            if (!line.isEmpty()) emit(line);
        } catch (IOException e) {
            // The pipe was closed under us (process killed, stream closed): that is the end of the output.
            log.debug("output stream ended: {}", e.toString());
        } finally {
            finished.complete(null);
        }
    }

    private void emit(StringBuilder line) {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') end--;
        String text = line.substring(0, end);
        line.setLength(0);
        try {
            sink.accept(text);
        } catch (RuntimeException e) {
            // A broken listener must not stop the pump: an unread pipe would block the agent.
            log.warn("output listener failed; line dropped", e);
        }
    }
}
