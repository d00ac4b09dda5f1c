package dev.baton.logs.store;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * What the writer had durably stored when it last checkpointed: per stream the highest sequence, per log the
 * active segment and its length. Written atomically (temp file + rename) and CRC-checked; recovery scans only
 * what lies beyond it. Not fsynced: a stale or missing checkpoint only makes recovery scan more.
 */
record LogCheckpoint(Map<String, LogState> logs, Map<StreamKey, Long> streams) {
    private static final int MAGIC = 0x424c4350; // "BLCP"
    private static final int VERSION = 1;

    record LogState(long activeBase, long activeLength, long nextOffset) {
    }

    static LogCheckpoint empty() {
        return new LogCheckpoint(Map.of(), Map.of());
    }

    void write(Path file) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + streams.size() * 48 + logs.size() * 64);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(logs.size());
        for (var e : logs.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue().activeBase());
            out.writeLong(e.getValue().activeLength());
            out.writeLong(e.getValue().nextOffset());
        }
        out.writeInt(streams.size());
        for (var e : streams.entrySet()) {
            out.writeUTF(e.getKey().workerId());
            out.writeUTF(e.getKey().streamId());
            out.writeLong(e.getValue());
        }
        out.flush();
        CRC32C crc = new CRC32C();
        crc.update(bytes.toByteArray());
        out.writeInt((int) crc.getValue());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes.toByteArray());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The checkpoint, or empty when there is none or it is damaged (then recovery scans everything). */
    static Optional<LogCheckpoint> read(Path file) throws IOException {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (all.length < 16) return Optional.empty();
        CRC32C crc = new CRC32C();
        crc.update(all, 0, all.length - 4);
        if ((int) crc.getValue() != ByteBuffer.wrap(all, all.length - 4, 4).getInt()) return Optional.empty();
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(all, 0, all.length - 4));
        if (in.readInt() != MAGIC || in.readInt() != VERSION) return Optional.empty();
        Map<String, LogState> logs = new HashMap<>();
        for (int i = in.readInt(); i > 0; i--) logs.put(in.readUTF(), new LogState(in.readLong(), in.readLong(), in.readLong()));
        Map<StreamKey, Long> streams = new HashMap<>();
        for (int i = in.readInt(); i > 0; i--) streams.put(new StreamKey(in.readUTF(), in.readUTF()), in.readLong());
        return Optional.of(new LogCheckpoint(logs, streams));
    }
}
