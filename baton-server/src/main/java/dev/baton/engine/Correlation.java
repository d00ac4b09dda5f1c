package dev.baton.engine;

import org.slf4j.MDC;

/**
 * The logging context of the current thread: correlationId and the ids of what is being worked on.
 * Every log line reads these keys, so they are set at use-case entry and restored in handlers.
 */
public final class Correlation {
    public static final String CORRELATION_ID = "correlationId";
    public static final String WORKFLOW_ID = "workflowId";
    public static final String WORK_ID = "workId";
    public static final String TASK_ID = "taskId";

    private Correlation() {
    }

    /** Sets workflow context; close the returned scope to restore what was there before. */
    public static Scope workflow(String correlationId, String workflowId) {
        return new Scope(CORRELATION_ID, correlationId, WORKFLOW_ID, workflowId);
    }

    public static Scope work(String workId) {
        return new Scope(WORK_ID, workId);
    }

    public static Scope task(String taskId) {
        return new Scope(TASK_ID, taskId);
    }

    /** Puts keys into the MDC and puts back the previous values on close. */
    public static final class Scope implements AutoCloseable {
        private final String[] keys;
        private final String[] previous;

        private Scope(String... keyValues) {
            keys = new String[keyValues.length / 2];
            previous = new String[keys.length];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = keyValues[2 * i];
                previous[i] = MDC.get(keys[i]);
                if (keyValues[2 * i + 1] == null) MDC.remove(keys[i]);
                else MDC.put(keys[i], keyValues[2 * i + 1]);
            }
        }

        @Override
        public void close() {
            for (int i = 0; i < keys.length; i++) {
                if (previous[i] == null) MDC.remove(keys[i]);
                else MDC.put(keys[i], previous[i]);
            }
        }
    }
}
