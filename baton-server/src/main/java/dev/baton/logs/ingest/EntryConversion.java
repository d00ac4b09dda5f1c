package dev.baton.logs.ingest;

import dev.baton.grpc.v1.LogEntry;
import dev.baton.logs.store.AppendBatch;
import dev.baton.logs.store.LogLevel;
import dev.baton.logs.store.LogSource;
import dev.baton.logs.store.NewLine;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Turns a call's entries into a store batch, checking what the store relies on; errors name the entry. */
final class EntryConversion {
    private EntryConversion() {
    }

    /**
     * @param metadata the hello's metadata: entries without their own share this very map (stored once per block)
     */
    static AppendBatch batch(String workerId, String streamId, Map<String, String> metadata, List<LogEntry> entries, Clock clock) {
        List<NewLine> lines = new ArrayList<>(entries.size());
        long previous = 0;
        for (int i = 0; i < entries.size(); i++) {
            LogEntry e = entries.get(i);
            long seq = e.getSequence();
            if (seq < 1) throw invalid("entries[" + i + "].sequence must be at least 1, was " + Long.toUnsignedString(seq));
            if (seq <= previous) {
                throw invalid("entries[" + i + "].sequence " + seq + " does not ascend (the entry before has " + previous + ")");
            }
            previous = seq;
            if (!e.getWorkerId().isEmpty() && !e.getWorkerId().equals(workerId)) {
                throw Status.PERMISSION_DENIED.withDescription("entries[" + i + "].worker_id '" + e.getWorkerId()
                        + "' is not this stream's worker '" + workerId + "'").asRuntimeException();
            }
            Map<String, String> meta = metadata;
            if (e.getMetadataCount() > 0) {
                meta = new HashMap<>(metadata);
                meta.putAll(e.getMetadataMap());
            }
            long ts = e.getTimestampUnixNanos() != 0 ? e.getTimestampUnixNanos() : clock.millis() * 1_000_000L;
            long droppedLines = e.hasGap() ? e.getGap().getDroppedLines() : 0;
            long droppedBytes = e.hasGap() ? e.getGap().getDroppedBytes() : 0;
            lines.add(new NewLine(seq, ts, e.getTaskId(), e.getWorkflowId(), LogLevel.ofCode(e.getLevelValue()), LogSource.ofCode(e.getSourceValue()),
                    e.getMessage(), meta, e.getPartial(), droppedLines, droppedBytes));
        }
        return new AppendBatch(workerId, streamId, lines);
    }

    static StatusRuntimeException invalid(String why) {
        return Status.INVALID_ARGUMENT.withDescription(why).asRuntimeException();
    }
}
