package dev.baton.dispatch;

import dev.baton.git.GitCli;
import dev.baton.git.WorktreeTransfer;
import dev.baton.grpc.GrpcAuth;
import dev.baton.grpc.v1.FetchChunk;
import dev.baton.grpc.v1.FetchRequest;
import dev.baton.grpc.v1.PushChunk;
import dev.baton.grpc.v1.PushHeader;
import dev.baton.grpc.v1.PushResult;
import dev.baton.grpc.v1.RepositoryState;
import dev.baton.grpc.v1.WorkspaceTransferGrpc;
import dev.baton.shared.BatonException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The server end of {@code WorkspaceTransfer} (workspace.proto): gives a worker with its own workdir the
 * repositories of a session placed on it, and applies the changes its agent made to the server's worktrees.
 * With tokens, only the worker the session is placed on may call for it.
 */
public final class WorkspaceTransferService extends WorkspaceTransferGrpc.WorkspaceTransferImplBase {
    private static final Logger log = LoggerFactory.getLogger(WorkspaceTransferService.class);

    private final RemoteSessions sessions;
    private final GitCli git;
    private final WorktreeTransfer transfer;
    private final Path scratchRoot;
    private final long maxPatchBytes;
    private final MeterRegistry meters;

    /**
     * @param scratchRoot   where bundles and diffs wait while they are streamed (removed after each call)
     * @param maxPatchBytes the largest change a worker may push for one repository and task
     */
    public WorkspaceTransferService(RemoteSessions sessions, GitCli git, Path scratchRoot, long maxPatchBytes, MeterRegistry meters) {
        this.sessions = sessions;
        this.git = git;
        this.transfer = new WorktreeTransfer(git);
        this.scratchRoot = scratchRoot;
        this.maxPatchBytes = maxPatchBytes;
        this.meters = meters;
    }

    @Override
    public void fetch(FetchRequest request, StreamObserver<FetchChunk> responses) {
        ServerCallStreamObserver<FetchChunk> out = (ServerCallStreamObserver<FetchChunk>) responses;
        Path scratch = null;
        Runnable fetchEnded = null;
        try {
            RemoteAgentSession session = sessionFor(request.getSessionId());
            fetchEnded = fetchTracked(session);
            Path worktree = worktreeOf(session, request.getRepository());
            scratch = scratch("fetch-");
            Path bundle = scratch.resolve("branch.bundle");
            Path patch = scratch.resolve("staged.diff");
            WorktreeTransfer.State state = git.withRepositoryLock(repositoryOf(session, worktree), () -> {
                WorktreeTransfer.State s = transfer.state(worktree);
                if (!transfer.bundle(worktree, s, request.getHaveCommit(), bundle)) deleteQuietly(bundle);
                transfer.stagedChanges(worktree, patch);
                return s;
            });
            long bundleBytes = Files.exists(bundle) ? Files.size(bundle) : 0;
            long patchBytes = Files.size(patch);
            log.atInfo().addKeyValue("correlationId", session.correlationId()).addKeyValue("workflowId", session.workflowId())
                    .log("sending repository {} of session {} at {} to a worker: bundle {} bytes{}, staged changes {} bytes", request.getRepository(),
                            session.id(), state.commit(), bundleBytes, request.getHaveCommit().isEmpty() ? "" : " (after " + request.getHaveCommit() + ")",
                            patchBytes);
            count("fetch", "ok");
            Counter.builder("workspace.transfer.bytes").description("Repository content sent to and changes received from own-workdir workers")
                    .tag("direction", "fetch").register(meters).increment(bundleBytes + patchBytes);
            FetchChunk first = FetchChunk.newBuilder().setState(RepositoryState.newBuilder().setBranch(state.branch()).setCommit(state.commit())
                    .setTree(state.tree()).setBundleBytes(bundleBytes).setPatchBytes(patchBytes)).build();
            List<FileChunks.Part<FetchChunk>> parts = List.of(
                    new FileChunks.Part<>(bundleBytes > 0 ? bundle : null, b -> FetchChunk.newBuilder().setBundle(b).build()),
                    new FileChunks.Part<>(patchBytes > 0 ? patch : null, b -> FetchChunk.newBuilder().setPatch(b).build()));
            Path handedOver = scratch;
            scratch = null; // FileChunks removes it and ends the fetch when the call ends
            FileChunks.send(out, first, parts, handedOver, fetchEnded);
            fetchEnded = null;
        } catch (StatusRuntimeException e) {
            count("fetch", "refused");
            out.onError(e);
        } catch (BatonException e) {
            count("fetch", "error");
            out.onError(BatonStatus.of(e).asRuntimeException());
        } catch (IOException e) {
            count("fetch", "error");
            out.onError(Status.UNAVAILABLE.withDescription("cannot prepare repository " + request.getRepository() + ": " + e.getMessage()).asRuntimeException());
        } finally {
            if (scratch != null) FileChunks.deleteTree(scratch);
            if (fetchEnded != null) fetchEnded.run();
        }
    }

    @Override
    public StreamObserver<PushChunk> push(StreamObserver<PushResult> out) {
        return new Push(out);
    }

    /** One push: the header, then the diff's bytes into a scratch file, applied when the worker completes the call. */
    private final class Push implements StreamObserver<PushChunk> {
        private final StreamObserver<PushResult> out;
        private PushHeader header;
        private RemoteAgentSession session;
        private Path worktree;
        private Path scratch;
        private OutputStream file;
        private long bytes;
        private boolean done;

        Push(StreamObserver<PushResult> out) {
            this.out = out;
        }

        @Override
        public void onNext(PushChunk chunk) {
            if (done) return;
            try {
                if (header == null) {
                    if (!chunk.hasHeader()) throw Status.INVALID_ARGUMENT.withDescription("the first chunk of a push must be its PushHeader").asRuntimeException();
                    header = chunk.getHeader();
                    session = sessionFor(header.getSessionId());
                    worktree = worktreeOf(session, header.getRepository());
                    if (header.getTaskId().isBlank()) throw Status.INVALID_ARGUMENT.withDescription("push of session " + session.id() + ": task_id is required").asRuntimeException();
                    scratch = scratch("push-");
                    file = Files.newOutputStream(scratch.resolve("task.diff"));
                    return;
                }
                if (!chunk.hasPatch()) throw Status.INVALID_ARGUMENT.withDescription("push of task " + header.getTaskId() + ": only patch chunks may follow the header").asRuntimeException();
                bytes += chunk.getPatch().size();
                if (bytes > maxPatchBytes) {
                    throw Status.RESOURCE_EXHAUSTED.withDescription("the changes of task %s in repository %s are over %d bytes (WORKSPACE_PUSH_MAX_BYTES)"
                            .formatted(header.getTaskId(), header.getRepository(), maxPatchBytes)).asRuntimeException();
                }
                chunk.getPatch().writeTo(file);
            } catch (StatusRuntimeException e) {
                fail(e.getStatus(), "refused");
            } catch (BatonException e) {
                fail(BatonStatus.of(e), "error");
            } catch (IOException e) {
                fail(Status.UNAVAILABLE.withDescription("cannot store the pushed changes: " + e.getMessage()), "error");
            }
        }

        @Override
        public void onError(Throwable t) {
            done = true;
            cleanup();
        }

        @Override
        public void onCompleted() {
            if (done) return;
            done = true;
            try {
                if (header == null) throw Status.INVALID_ARGUMENT.withDescription("a push needs a PushHeader").asRuntimeException();
                file.close();
                PushResult result = apply();
                out.onNext(result);
                out.onCompleted();
            } catch (StatusRuntimeException e) {
                count("push", "refused");
                out.onError(e);
            } catch (BatonException e) {
                count("push", "error");
                out.onError(BatonStatus.of(e).asRuntimeException());
            } catch (IOException e) {
                count("push", "error");
                out.onError(Status.UNAVAILABLE.withDescription("cannot store the pushed changes: " + e.getMessage()).asRuntimeException());
            } finally {
                cleanup();
            }
        }

        private PushResult apply() {
            String task = header.getTaskId();
            String repo = header.getRepository();
            synchronized (session) {
                if (session.transfers().pushed(task, repo)) {
                    count("push", "repeat");
                    return PushResult.getDefaultInstance();
                }
                WorktreeTransfer.Applied applied = git.withRepositoryLock(repositoryOf(session, worktree), () -> transfer.apply(worktree, scratch.resolve("task.diff")));
                if (!applied.ok()) {
                    log.atWarn().addKeyValue("correlationId", session.correlationId()).addKeyValue("workflowId", session.workflowId())
                            .log("changes of task {} in repository {} from a worker were not applied: {}", task, repo, applied.refused());
                    Status status = applied.invalid() ? Status.INVALID_ARGUMENT : Status.FAILED_PRECONDITION;
                    throw status.withDescription("changes of task %s in repository %s: %s".formatted(task, repo, applied.refused())).asRuntimeException();
                }
                session.transfers().markPushed(task, repo);
                count("push", "ok");
                Counter.builder("workspace.transfer.bytes").description("Repository content sent to and changes received from own-workdir workers")
                        .tag("direction", "push").register(meters).increment(bytes);
                log.atInfo().addKeyValue("correlationId", session.correlationId()).addKeyValue("workflowId", session.workflowId())
                        .log("applied the changes of task {} in repository {} from a worker: {} file(s), {} bytes", task, repo, applied.files(), bytes);
                return PushResult.newBuilder().setFiles(applied.files()).build();
            }
        }

        private void fail(Status status, String outcome) {
            done = true;
            count("push", outcome);
            cleanup();
            out.onError(status.asRuntimeException());
        }

        private void cleanup() {
            try {
                if (file != null) file.close();
            } catch (IOException ignored) {
                // the scratch folder goes anyway
            }
            if (scratch != null) FileChunks.deleteTree(scratch);
        }
    }

    /** Marks a fetch of the session as running (its start timeout waits); the returned end runs once, whoever calls it. */
    private static Runnable fetchTracked(RemoteAgentSession session) {
        session.transfers().fetchStarted();
        java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (ended.compareAndSet(false, true)) session.transfers().fetchEnded();
        };
    }

    private RemoteAgentSession sessionFor(String sessionId) {
        RemoteAgentSession session = sessions.find(sessionId).orElseThrow(() -> Status.NOT_FOUND
                .withDescription("no agent session " + sessionId + " on this server (stopped, or the server restarted)").asRuntimeException());
        String caller = GrpcAuth.WORKER_ID.get();
        if (caller != null && !session.placedOn(caller)) {
            throw Status.PERMISSION_DENIED.withDescription("session " + sessionId + " is not placed on worker " + caller).asRuntimeException();
        }
        return session;
    }

    private static Path worktreeOf(RemoteAgentSession session, String repository) {
        return session.transfers().worktree(repository).orElseThrow(() -> Status.NOT_FOUND
                .withDescription("session " + session.id() + " has no repository '" + repository + "'").asRuntimeException());
    }

    /** A worktree's main repository never changes: asked of git once per session (a process per push would add up). */
    private Path repositoryOf(RemoteAgentSession session, Path worktree) {
        return session.transfers().repositoryOf(worktree, transfer::repositoryOf);
    }

    private Path scratch(String prefix) throws IOException {
        Files.createDirectories(scratchRoot);
        return Files.createTempDirectory(scratchRoot, prefix);
    }

    private void count(String call, String outcome) {
        Counter.builder("workspace.transfer.calls").description("Fetch and Push calls of own-workdir workers, by outcome")
                .tag("call", call).tag("outcome", outcome).register(meters).increment();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a scratch file; its folder is removed after the call
        }
    }
}
