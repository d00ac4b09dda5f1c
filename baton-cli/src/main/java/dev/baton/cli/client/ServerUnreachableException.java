package dev.baton.cli.client;

import java.net.URI;

/** No HTTP answer at all: connection refused, unknown host, timeout, or a connection dropped mid-answer. */
public final class ServerUnreachableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final URI server;

    public ServerUnreachableException(URI server, String reason, Throwable cause) {
        super("cannot reach the Baton server at " + server + " (" + reason + ")", cause);
        this.server = server;
    }

    public URI server() {
        return server;
    }
}
