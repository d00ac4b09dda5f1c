package dev.baton.ping;

import org.slf4j.MDC;

/**
 * Carries the sender's correlation id to the handler (seed 001: correlation ids travel in NATS headers), so
 * the log lines a ping causes on the receiving side can be traced back to the workflow that sent it.
 */
public final class PingCorrelation {
    /** The MDC key every Baton log line reads (same as the server's {@code Correlation.CORRELATION_ID}). */
    public static final String MDC_KEY = "correlationId";
    /** The NATS header the id travels in. */
    public static final String HEADER = "Baton-Correlation-Id";

    private PingCorrelation() {
    }

    /** The publishing thread's correlation id, or null. */
    public static String current() {
        return MDC.get(MDC_KEY);
    }

    /** Runs {@code action} with {@code correlationId} in the MDC (none if null) and puts back what was there. */
    public static void runWith(String correlationId, Runnable action) {
        String previous = MDC.get(MDC_KEY);
        set(correlationId);
        try {
            action.run();
        } finally {
            set(previous);
        }
    }

    private static void set(String correlationId) {
        if (correlationId == null) MDC.remove(MDC_KEY);
        else MDC.put(MDC_KEY, correlationId);
    }
}
