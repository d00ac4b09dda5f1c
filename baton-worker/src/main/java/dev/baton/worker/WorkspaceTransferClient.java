package dev.baton.worker;

import com.google.protobuf.ByteString;
import dev.baton.grpc.v1.FetchChunk;
import dev.baton.grpc.v1.FetchRequest;
import dev.baton.grpc.v1.PushChunk;
import dev.baton.grpc.v1.PushHeader;
import dev.baton.grpc.v1.PushResult;
import dev.baton.grpc.v1.RepositoryState;
import dev.baton.grpc.v1.WorkspaceTransferGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The worker end of {@code WorkspaceTransfer}: fetches a repository's content into files and pushes a diff
 * file, chunk by chunk, sending only while the call is ready. A call that fails because the server could not
 * be reached is tried again a few times (the server applies a repeated push only once); an answer such as
 * "does not apply" is not.
 */
final class WorkspaceTransferClient {
    static final int CHUNK_BYTES = 1024 * 1024;
    private static final Duration CALL_DEADLINE = Duration.ofMinutes(10);
    private static final int ATTEMPTS = 5;

    private final WorkspaceTransferGrpc.WorkspaceTransferBlockingStub blocking;
    private final WorkspaceTransferGrpc.WorkspaceTransferStub async;
    private final Duration maxBackoff;

    WorkspaceTransferClient(WorkspaceTransferGrpc.WorkspaceTransferBlockingStub blocking, WorkspaceTransferGrpc.WorkspaceTransferStub async,
                            Duration maxBackoff) {
        this.blocking = blocking;
        this.async = async;
        this.maxBackoff = maxBackoff;
    }

    /** Writes the bundle (when the server sends one) and the staged changes to the given files; returns the state. */
    RepositoryState fetch(String sessionId, String repository, String haveCommit, Path bundle, Path patch) {
        FetchRequest request = FetchRequest.newBuilder().setSessionId(sessionId).setRepository(repository).setHaveCommit(haveCommit).build();
        return retrying(() -> fetchOnce(request, bundle, patch));
    }

    private RepositoryState fetchOnce(FetchRequest request, Path bundle, Path patch) {
        Iterator<FetchChunk> chunks = blocking.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS).fetch(request);
        if (!chunks.hasNext()) throw Status.INTERNAL.withDescription("the server sent no RepositoryState").asRuntimeException();
        FetchChunk first = chunks.next();
        if (!first.hasState()) throw Status.INTERNAL.withDescription("the server's first chunk is " + first.getBodyCase() + ", not RepositoryState").asRuntimeException();
        RepositoryState state = first.getState();
        try (OutputStream b = Files.newOutputStream(bundle); OutputStream p = Files.newOutputStream(patch)) {
            long bundleBytes = 0;
            long patchBytes = 0;
            while (chunks.hasNext()) {
                FetchChunk c = chunks.next();
                switch (c.getBodyCase()) {
                    case BUNDLE -> {
                        c.getBundle().writeTo(b);
                        bundleBytes += c.getBundle().size();
                    }
                    case PATCH -> {
                        c.getPatch().writeTo(p);
                        patchBytes += c.getPatch().size();
                    }
                    default -> throw Status.INTERNAL.withDescription("unexpected " + c.getBodyCase() + " after the RepositoryState").asRuntimeException();
                }
            }
            if (bundleBytes != state.getBundleBytes() || patchBytes != state.getPatchBytes()) {
                throw Status.DATA_LOSS.withDescription("repository %s: got %d + %d bytes, the server announced %d + %d"
                        .formatted(request.getRepository(), bundleBytes, patchBytes, state.getBundleBytes(), state.getPatchBytes())).asRuntimeException();
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the fetched repository " + request.getRepository() + ": " + e.getMessage(), e);
        }
        return state;
    }

    /** Pushes the diff in {@code patch}; returns how many files the server changed. */
    int push(PushHeader header, Path patch) {
        return retrying(() -> pushOnce(header, patch)).getFiles();
    }

    private PushResult pushOnce(PushHeader header, Path patch) {
        CompletableFuture<PushResult> result = new CompletableFuture<>();
        Object ready = new Object();
        ClientResponseObserver<PushChunk, PushResult> answers = new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<PushChunk> requests) {
                requests.setOnReadyHandler(() -> {
                    synchronized (ready) {
                        ready.notifyAll();
                    }
                });
            }

            @Override
            public void onNext(PushResult r) {
                result.complete(r);
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
                synchronized (ready) {
                    ready.notifyAll();
                }
            }

            @Override
            public void onCompleted() {
                result.complete(PushResult.getDefaultInstance());
            }
        };
        ClientCallStreamObserver<PushChunk> requests = (ClientCallStreamObserver<PushChunk>)
                async.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS).push(answers);
        try (InputStream in = Files.newInputStream(patch)) {
            requests.onNext(PushChunk.newBuilder().setHeader(header).build());
            byte[] buffer = new byte[CHUNK_BYTES];
            for (int n; (n = in.readNBytes(buffer, 0, buffer.length)) > 0; ) {
                synchronized (ready) {
                    while (!requests.isReady() && !result.isDone()) ready.wait(100);
                }
                if (result.isDone()) break; // refused mid-way: the answer says why
                requests.onNext(PushChunk.newBuilder().setPatch(ByteString.copyFrom(buffer, 0, n)).build());
            }
            if (!result.isDone()) requests.onCompleted();
            return result.get(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            requests.cancel("cannot read the diff", e);
            throw new IllegalStateException("cannot read the diff " + patch + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            requests.cancel("worker stopping", e);
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("worker stopping").asRuntimeException();
        } catch (ExecutionException e) {
            throw Status.fromThrowable(e.getCause()).asRuntimeException();
        } catch (TimeoutException e) {
            requests.cancel("no answer", e);
            throw Status.DEADLINE_EXCEEDED.withDescription("no answer to the push within " + CALL_DEADLINE).asRuntimeException();
        }
    }

    private <T> T retrying(java.util.function.Supplier<T> call) {
        Backoff backoff = new Backoff(maxBackoff);
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                boolean unreachable = code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED || code == Status.Code.DATA_LOSS;
                if (!unreachable || attempt >= ATTEMPTS) throw e;
                try {
                    Thread.sleep(backoff.next());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
