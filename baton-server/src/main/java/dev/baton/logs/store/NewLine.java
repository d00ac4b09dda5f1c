package dev.baton.logs.store;

import java.util.Map;

/**
 * A line to append, as a worker sent it.
 *
 * @param sequence        the stream's sequence number: the de-duplication key with the worker and stream
 * @param timestampNanos  capture time, nanoseconds since the epoch
 * @param workflowId      empty: the line goes to the worker's own log
 * @param metadata        already merged with the stream's metadata; pass the very same map instance for
 *                        lines that share it, the encoder then writes it once per block
 * @param message         valid UTF-8, written to disk as it is
 * @param droppedLines    with {@code droppedBytes}: non-zero on a gap record
 */
public record NewLine(long sequence, long timestampNanos, String taskId, String workflowId, LogLevel level, LogSource source,
                      LineText message, Map<String, String> metadata, boolean partial, long droppedLines, long droppedBytes) {

    public NewLine {
        taskId = taskId == null ? "" : taskId;
        workflowId = workflowId == null ? "" : workflowId;
        message = message == null ? LineText.EMPTY : message;
        metadata = metadata == null ? Map.of() : metadata;
        level = level == null ? LogLevel.UNSPECIFIED : level;
        source = source == null ? LogSource.UNSPECIFIED : source;
    }

    public NewLine(long sequence, long timestampNanos, String taskId, String workflowId, LogLevel level, LogSource source,
                   String message, Map<String, String> metadata, boolean partial, long droppedLines, long droppedBytes) {
        this(sequence, timestampNanos, taskId, workflowId, level, source, LineText.of(message), metadata, partial, droppedLines, droppedBytes);
    }

    /** The same line, in another workflow's log. */
    public NewLine inWorkflow(String workflow) {
        return new NewLine(sequence, timestampNanos, taskId, workflow, level, source, message, metadata, partial, droppedLines, droppedBytes);
    }

    public boolean isGap() {
        return droppedLines != 0 || droppedBytes != 0;
    }
}
