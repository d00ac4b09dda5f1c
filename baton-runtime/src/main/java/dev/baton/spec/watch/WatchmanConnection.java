package dev.baton.spec.watch;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection to the watchman daemon in its JSON encoding: one JSON value per line each way. Commands get
 * one response each; subscription updates arrive as unilateral PDUs in between.
 */
final class WatchmanConnection implements AutoCloseable {
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final SocketChannel channel;
    private final String sockname;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024).flip();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    /** Unilateral PDUs read while waiting for a command's response; {@link #next()} hands them out first. */
    private final Deque<JsonNode> early = new ArrayDeque<>();

    private WatchmanConnection(SocketChannel channel, String sockname) {
        this.channel = channel;
        this.sockname = sockname;
    }

    /**
     * Asks the CLI where the daemon listens; the CLI starts the daemon when none runs. Argv only, never a shell.
     * Output goes to a file, not a pipe: the daemon the CLI spawns must never be able to hold our pipe open.
     */
    static String sockname(String binary, Duration timeout) throws IOException {
        Path out = Files.createTempFile("baton-watchman-", ".out");
        try {
            Process process = new ProcessBuilder(binary, "--output-encoding=json", "--no-pretty", "get-sockname")
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(binary + " get-sockname did not answer within " + timeout.toMillis() + " ms");
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            JsonNode answer = firstJsonObject(output);
            String sockname = answer == null ? "" : answer.path("sockname").asString("");
            if (process.exitValue() != 0 || sockname.isEmpty()) {
                String error = answer == null ? output.strip() : answer.path("error").asString(output.strip());
                throw new IOException(binary + " get-sockname failed (exit " + process.exitValue() + "): " + abbreviate(error));
            }
            return sockname;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking watchman for its socket", e);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static WatchmanConnection connect(String sockname) throws IOException {
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(sockname));
        return new WatchmanConnection(channel, sockname);
    }

    String sockname() {
        return sockname;
    }

    /**
     * Sends a command and returns its response, giving up after {@code timeout} (the connection is then closed):
     * a daemon that hangs must not hang the caller. Watchman's {@code {"error": …}} answers become IOExceptions.
     */
    JsonNode command(Duration timeout, Object... args) throws IOException {
        CompletableFuture<Void> watchdog = CompletableFuture.runAsync(this::close,
                CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS));
        try {
            send(args);
            while (true) {
                JsonNode pdu = read();
                if (pdu.path("unilateral").asBoolean(false)) {
                    early.add(pdu);
                    continue;
                }
                if (pdu.has("error")) throw new IOException("watchman " + args[0] + ": " + pdu.path("error").asString(""));
                return pdu;
            }
        } catch (IOException e) {
            if (watchdog.isDone() && !watchdog.isCancelled()) {
                throw new IOException("watchman " + args[0] + " did not answer within " + timeout.toMillis() + " ms", e);
            }
            throw e;
        } finally {
            watchdog.cancel(false);
        }
    }

    /** The next unilateral PDU (subscription update, log); blocks until one arrives or the connection ends. */
    JsonNode next() throws IOException {
        JsonNode pdu = early.poll();
        return pdu != null ? pdu : read();
    }

    private void send(Object... args) throws IOException {
        ArrayNode command = JSON.createArrayNode();
        for (Object arg : args) {
            if (arg instanceof JsonNode node) command.add(node);
            else command.add(String.valueOf(arg));
        }
        ByteBuffer bytes = ByteBuffer.wrap((JSON.writeValueAsString(command) + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) channel.write(bytes);
    }

    private JsonNode read() throws IOException {
        String text = readLine();
        try {
            return JSON.readTree(text);
        } catch (JacksonException e) {
            throw new IOException("watchman sent something that is not JSON: " + abbreviate(text), e);
        }
    }

    private String readLine() throws IOException {
        while (true) {
            while (buffer.hasRemaining()) {
                byte b = buffer.get();
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.UTF_8);
                    line.reset();
                    return text;
                }
                line.write(b);
            }
            buffer.clear();
            int n = channel.read(buffer);
            buffer.flip();
            if (n < 0) throw new EOFException("watchman closed the connection");
        }
    }

    private static JsonNode firstJsonObject(String output) {
        for (String candidate : output.split("\n")) {
            if (!candidate.startsWith("{")) continue;
            try {
                return JSON.readTree(candidate);
            } catch (JacksonException e) {
                // a log line that happens to start with a brace; keep looking
            }
        }
        return null;
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }

    /** Ends the connection; a thread blocked in {@link #next()} gets an IOException. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
