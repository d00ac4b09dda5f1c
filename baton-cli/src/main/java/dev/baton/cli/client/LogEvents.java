package dev.baton.cli.client;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * A live log stream (Server-Sent Events) being read: {@link #next()} blocks for the next {@code line} event and
 * returns null when the stream ends; {@link #close()} (from any thread) ends it.
 */
public final class LogEvents implements AutoCloseable {
    private final java.net.URI server;
    private final Stream<String> body;
    private final Iterator<String> lines;
    private volatile boolean closed;

    LogEvents(java.net.URI server, Stream<String> body) {
        this.server = server;
        this.body = body;
        this.lines = body.iterator();
    }

    /** The next line event (JSON and parsed), or null at the end of the stream. */
    public Reply<LogLineView> next() {
        StringBuilder data = new StringBuilder();
        String event = null;
        try {
            while (!closed && lines.hasNext()) {
                String l = lines.next();
                if (l.startsWith(":")) continue; // comment: heartbeat
                if (l.startsWith("event:")) event = l.substring(6).strip();
                else if (l.startsWith("data:")) data.append(l.startsWith("data: ") ? l.substring(6) : l.substring(5));
                else if (l.isEmpty()) {
                    if ("line".equals(event) && !data.isEmpty()) return parse(data.toString());
                    event = null;
                    data.setLength(0);
                }
            }
        } catch (UncheckedIOException | IllegalStateException e) {
            if (closed) return null;
            throw new ServerUnreachableException(server, "the log stream broke: " + e.getMessage(), e);
        }
        return null;
    }

    private static Reply<LogLineView> parse(String json) {
        try {
            JsonNode node = BatonClient.JSON.readTree(json);
            return new Reply<>(BatonClient.JSON.convertValue(node, LogLineView.class), node);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new BadResponseException("unreadable log event from the server: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closed = true;
        body.close();
    }
}
