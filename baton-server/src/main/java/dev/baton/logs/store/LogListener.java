package dev.baton.logs.store;

/** Receives the lines of a followed log, on the subscription's own thread (it may block: the writer never waits for it). */
public interface LogListener {

    /** One line, in offset order, never twice; throwing ends the subscription. */
    void onLine(LogLine line) throws Exception;

    /** The subscription ended because of {@code failure} (not called on a plain close). */
    default void onError(Throwable failure) {
    }
}
