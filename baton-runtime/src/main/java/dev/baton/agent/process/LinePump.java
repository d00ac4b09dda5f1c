package dev.baton.agent.process;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads one output stream of a process line by line until EOF and hands each line to a sink as soon as it is
 * read. Every stream of every agent gets its own pump, so a process filling one pipe can never block on the
 * other. Lines longer than {@link #MAX_LINE_BYTES} are handed on in pieces (never splitting a UTF-8 character),
 * so a process writing megabytes without a newline cannot exhaust memory; a last line without newline is
 * handed on at EOF. Bytes that are not UTF-8 become U+FFFD.
 */
final class LinePump {
    static final int MAX_LINE_BYTES = 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(LinePump.class);

    /** Receives each line, or each piece of a long line ({@code partial} on every piece but the last). */
    @FunctionalInterface
    interface Sink {
        void line(String text, boolean partial);
    }

    private final InputStream in;
    private final Sink sink;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private byte[] line = new byte[1024];
    private int length;

    private LinePump(InputStream in, Sink sink) {
        this.in = in;
        this.sink = sink;
    }

    /**
     * Starts pumping on a platform daemon thread: reading a pipe blocks in native code, which would pin a
     * virtual thread's carrier anyway, and daemon threads never keep the JVM alive.
     */
    static LinePump start(String threadName, InputStream in, Sink sink) {
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
        try (in) {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) != -1) {
                for (int i = 0; i < n; i++) {
                    byte b = buffer[i];
                    if (b == '\n') {
                        emitLine();
                    } else {
                        // Split only when more of the line follows: a line of exactly the maximum stays whole.
                        if (length >= MAX_LINE_BYTES) emitPiece();
                        append(b);
                    }
                }
            }
            if (length > 0) emitLine();
        } catch (IOException e) {
            // The pipe was closed under us (process killed, stream closed): that is the end of the output.
            log.debug("output stream ended: {}", e.toString());
        } finally {
            finished.complete(null);
        }
    }

    private void append(byte b) {
        if (length == line.length) line = Arrays.copyOf(line, Math.min(line.length * 2, MAX_LINE_BYTES));
        line[length++] = b;
    }

    private void emitLine() {
        int end = length;
        if (end > 0 && line[end - 1] == '\r') end--;
        String text = new String(line, 0, end, StandardCharsets.UTF_8);
        length = 0;
        deliver(text, false);
    }

    /** Hands on the first 64 KiB (backing off to a character boundary) and keeps the rest for the next piece. */
    private void emitPiece() {
        int cut = length;
        // UTF-8 continuation bytes are 10xxxxxx: never start the next piece with one.
        while (cut > length - 4 && cut > 0 && (line[cut - 1] & 0xC0) == 0x80) cut--;
        if (cut > 0 && (line[cut - 1] & 0xC0) == 0xC0) cut--; // the lead byte of the cut character goes along
        if (cut <= length - 4 || cut == 0) cut = length;       // not UTF-8 anyway: cut where we are
        String text = new String(line, 0, cut, StandardCharsets.UTF_8);
        System.arraycopy(line, cut, line, 0, length - cut);
        length -= cut;
        deliver(text, true);
    }

    private void deliver(String text, boolean partial) {
        try {
            sink.line(text, partial);
        } catch (RuntimeException e) {
            // A broken listener must not stop the pump: an unread pipe would block the agent.
            log.warn("output listener failed; line dropped", e);
        }
    }
}
