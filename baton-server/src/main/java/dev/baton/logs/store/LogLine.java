package dev.baton.logs.store;

import java.time.Instant;
import java.util.Map;

/**
 * One stored line as readers see it.
 *
 * @param offset     position in its workflow's log, from 1, without holes
 * @param timestamp  when the worker captured the line
 * @param workflowId empty for lines that belong to no workflow (kept under the worker's own log)
 * @param metadata   the stream's metadata (pod_name, namespace, node) merged with the line's own
 * @param gap        set on a gap record: lines the worker had to drop instead of this one
 */
public record LogLine(long offset, Instant timestamp, String workerId, String taskId, String workflowId, LogLevel level,
                      LogSource source, String message, Map<String, String> metadata, boolean partial, Gap gap) {

    /** Lines (and their bytes) a worker dropped; stored as an explicit hole. */
    public record Gap(long droppedLines, long droppedBytes) {
    }
}
