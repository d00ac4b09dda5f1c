package dev.baton.worker.testing;

import dev.baton.grpc.v1.LogEntry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link RecordingLogServer} stored, kept apart from the server so a restarted server (a new instance
 * on the same port) can continue with it, as a durable store would. Entries are kept per (worker, stream) in
 * arrival order; an entry at or below the highest stored sequence is a duplicate and only counted.
 */
public final class RecordedLogs {

    /** One worker's stream as stored: its entries in the order accepted and the hello metadata last seen. */
    public record Stream(String workerId, String streamId) {
    }

    private final Map<Stream, List<LogEntry>> entries = new LinkedHashMap<>();
    private final Map<Stream, Map<String, String>> metadata = new LinkedHashMap<>();
    private long duplicates;
    private long batches;

    synchronized long highestStored(Stream stream) {
        List<LogEntry> list = entries.get(stream);
        return list == null || list.isEmpty() ? 0 : list.getLast().getSequence();
    }

    synchronized void hello(Stream stream, Map<String, String> helloMetadata) {
        entries.computeIfAbsent(stream, s -> new ArrayList<>());
        metadata.put(stream, Map.copyOf(helloMetadata));
    }

    /** Stores the entries above the highest stored sequence; returns the new highest. */
    synchronized long store(Stream stream, List<LogEntry> batch) {
        batches++;
        List<LogEntry> list = entries.computeIfAbsent(stream, s -> new ArrayList<>());
        long highest = list.isEmpty() ? 0 : list.getLast().getSequence();
        for (LogEntry entry : batch) {
            if (entry.getSequence() <= highest) {
                duplicates++;
            } else {
                list.add(entry);
                highest = entry.getSequence();
            }
        }
        return highest;
    }

    /** Every entry (lines and gaps) stored for one worker, all its streams, in arrival order. */
    public synchronized List<LogEntry> entriesOf(String workerId) {
        List<LogEntry> all = new ArrayList<>();
        entries.forEach((stream, list) -> {
            if (stream.workerId().equals(workerId)) all.addAll(list);
        });
        return all;
    }

    /** The line entries (no gaps) stored for one worker. */
    public synchronized List<LogEntry> linesOf(String workerId) {
        return entriesOf(workerId).stream().filter(e -> !e.hasGap()).toList();
    }

    public synchronized int count(String workerId) {
        int n = 0;
        for (Map.Entry<Stream, List<LogEntry>> e : entries.entrySet()) {
            if (e.getKey().workerId().equals(workerId)) n += e.getValue().size();
        }
        return n;
    }

    public synchronized List<Stream> streams() {
        return List.copyOf(entries.keySet());
    }

    public synchronized Map<String, String> metadataOf(Stream stream) {
        return metadata.getOrDefault(stream, Map.of());
    }

    /** Entries received again after being stored (replays after a reconnect): dropped, only counted. */
    public synchronized long duplicates() {
        return duplicates;
    }

    public synchronized long batches() {
        return batches;
    }
}
