package dev.baton.dispatch;

import com.google.protobuf.ByteString;
import dev.baton.shared.FileTrees;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * Streams files to a caller in chunks, only while the call is ready: a repository bundle of any size never sits
 * in the server's memory waiting for a slow worker. The scratch folder holding the files goes when the call ends,
 * completed or cancelled.
 */
final class FileChunks<T> implements Runnable {
    /** Under the gRPC message cap (4 MiB by default) with room for the envelope. */
    static final int CHUNK_BYTES = 1024 * 1024;

    /** One file to send, each chunk wrapped by {@code wrap}; a null file is skipped. */
    record Part<T>(Path file, Function<ByteString, T> wrap) {
    }

    private final ServerCallStreamObserver<T> out;
    private final Deque<Part<T>> parts;
    private final Path scratch;
    private final Runnable onEnd;
    private final byte[] buffer = new byte[CHUNK_BYTES];
    private InputStream current;
    private Part<T> currentPart;
    private boolean finished;

    private FileChunks(ServerCallStreamObserver<T> out, List<Part<T>> parts, Path scratch, Runnable onEnd) {
        this.out = out;
        this.parts = new ArrayDeque<>(parts.stream().filter(p -> p.file() != null).toList());
        this.scratch = scratch;
        this.onEnd = onEnd;
    }

    /**
     * Sends {@code first}, then every part's file; must be called from the service method, before it returns.
     * {@code onEnd} runs once when the call ends, completed, failed or cancelled.
     */
    static <T> void send(ServerCallStreamObserver<T> out, T first, List<Part<T>> parts, Path scratch, Runnable onEnd) {
        FileChunks<T> sender = new FileChunks<>(out, parts, scratch, onEnd);
        out.setOnCancelHandler(sender::cancelled);
        out.setOnReadyHandler(sender);
        out.onNext(first);
        sender.run();
    }

    @Override
    public synchronized void run() {
        if (finished) return;
        try {
            while (out.isReady()) {
                if (current == null) {
                    currentPart = parts.poll();
                    if (currentPart == null) {
                        finish();
                        out.onCompleted();
                        return;
                    }
                    current = Files.newInputStream(currentPart.file());
                }
                int n = current.readNBytes(buffer, 0, buffer.length);
                if (n > 0) out.onNext(currentPart.wrap().apply(ByteString.copyFrom(buffer, 0, n)));
                if (n < buffer.length) {
                    current.close();
                    current = null;
                }
            }
        } catch (IOException e) {
            finish();
            out.onError(Status.UNAVAILABLE.withDescription("cannot read " + currentPart.file().getFileName() + ": " + e.getMessage()).asRuntimeException());
        }
    }

    private synchronized void cancelled() {
        finish();
    }

    private void finish() {
        if (finished) return;
        finished = true;
        onEnd.run();
        try {
            if (current != null) current.close();
        } catch (IOException ignored) {
            // the folder goes anyway
        }
        deleteTree(scratch);
    }

    static void deleteTree(Path dir) {
        try {
            FileTrees.deleteRecursively(dir);
        } catch (java.io.UncheckedIOException ignored) {
            // scratch space under the data folder; a leftover is harmless
        }
    }
}
