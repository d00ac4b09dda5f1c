package dev.baton.cli.client;

/** The server answered 2xx with a body this CLI cannot read: usually a CLI and server of different versions. */
public final class BadResponseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BadResponseException(String message, Throwable cause) {
        super(message, cause);
    }
}
