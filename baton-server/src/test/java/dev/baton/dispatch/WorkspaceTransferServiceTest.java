package dev.baton.dispatch;

import com.google.protobuf.ByteString;
import dev.baton.git.GitCli;
import dev.baton.git.WorktreeTransfer;
import dev.baton.grpc.GrpcAuth;
import dev.baton.grpc.TokenAuthInterceptor;
import dev.baton.grpc.WorkerTokens;
import dev.baton.grpc.v1.FetchChunk;
import dev.baton.grpc.v1.FetchRequest;
import dev.baton.grpc.v1.PushChunk;
import dev.baton.grpc.v1.PushHeader;
import dev.baton.grpc.v1.PushResult;
import dev.baton.grpc.v1.StartAgent;
import dev.baton.grpc.v1.WorkspaceTransferGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.baton.api.rest.BatonServer.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** WorkspaceTransfer over a real Netty server on loopback, against a real worktree: what it answers and what it refuses. */
class WorkspaceTransferServiceTest {
    static final String TOKEN = "worker-a-token-0123456789abcdef";

    @TempDir
    Path tmp;
    Path worktree;
    final List<AutoCloseable> closeables = new ArrayList<>();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RemoteSessions sessions;
    GitCli gitCli = new GitCli(Duration.ofSeconds(60));

    @BeforeEach
    void setUp() throws Exception {
        Path repo = tmp.resolve("git/app");
        gitCli.init(repo, Map.of("README.md", "# App\n", "lines.txt", "one\ntwo\n"), "initial");
        worktree = tmp.resolve("worktrees/wf-1/app");
        gitCli.addWorktree(repo, worktree, "baton/wf-1");
        Path workspace = tmp.resolve("workflows/wf-1/workspaces/wk-1");
        Files.createDirectories(workspace);
        Files.createSymbolicLink(workspace.resolve("app"), worktree);
        Files.createDirectories(workspace.resolve("reports"));

        WorkerRegistry registry = new WorkerRegistry(Clock.systemUTC());
        sessions = new RemoteSessions(registry);
        assertThat(WorkspaceOffer.repositories(workspace)).containsExactly("app");
        StartAgent start = StartAgent.newBuilder().setSessionId("as-1").setWorkflowId("wf-1").setCorrelationId("corr-1")
                .setWorkspace(workspace.toString()).addAllRepositories(WorkspaceOffer.repositories(workspace)).build();
        sessions.add(new RemoteAgentSession("as-1", start, new RemoteAgentSession.Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1)), registry, sessions, new DispatchMetrics(meters, registry),
                new WorkspaceOffer(new WorktreeTransfer(gitCli))));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables.reversed()) c.close();
    }

    WorkspaceTransferGrpc.WorkspaceTransferStub serve(WorkerTokens tokens, long maxPatchBytes, String token) throws Exception {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(new WorkspaceTransferService(sessions, gitCli, tmp.resolve("run/transfer"), maxPatchBytes, meters),
                        new TokenAuthInterceptor(tokens)))
                .build().start();
        closeables.add(() -> server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        ManagedChannel channel = NettyChannelBuilder.forTarget("127.0.0.1:" + server.getPort()).usePlaintext().build();
        closeables.add(channel::shutdownNow);
        WorkspaceTransferGrpc.WorkspaceTransferStub stub = WorkspaceTransferGrpc.newStub(channel);
        return token == null ? stub : stub.withCallCredentials(GrpcAuth.bearer(token));
    }

    static PushResult push(WorkspaceTransferGrpc.WorkspaceTransferStub stub, PushHeader header, byte[]... chunks) throws Exception {
        CompletableFuture<PushResult> result = new CompletableFuture<>();
        StreamObserver<PushChunk> requests = stub.push(new StreamObserver<>() {
            @Override
            public void onNext(PushResult r) {
                result.complete(r);
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                result.complete(PushResult.getDefaultInstance());
            }
        });
        requests.onNext(PushChunk.newBuilder().setHeader(header).build());
        for (byte[] c : chunks) requests.onNext(PushChunk.newBuilder().setPatch(ByteString.copyFrom(c)).build());
        requests.onCompleted();
        try {
            return result.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (StatusRuntimeException) e.getCause();
        }
    }

    static PushHeader header(String session, String task, String repository) {
        return PushHeader.newBuilder().setSessionId(session).setTaskId(task).setRepository(repository).build();
    }

    /** A diff that adds {@code notes.txt} and changes lines.txt, made the way a worker makes it. */
    byte[] diff() throws Exception {
        Path copy = tmp.resolve("copy");
        WorktreeTransfer t = new WorktreeTransfer(gitCli);
        WorktreeTransfer.State s = t.state(worktree);
        Path bundle = tmp.resolve("b.bundle");
        t.bundle(worktree, s, "", bundle);
        t.restore(copy, s, bundle, null);
        String base = t.stageTree(copy);
        Files.writeString(copy.resolve("notes.txt"), "from the worker\n");
        Files.writeString(copy.resolve("lines.txt"), "one\ntwo\nthree\n");
        Path out = tmp.resolve("task.diff");
        t.diff(copy, base, t.stageTree(copy), out);
        return Files.readAllBytes(out);
    }

    @Test
    void fetchSendsTheStateThenTheBundleAndTheStagedChanges() throws Exception {
        Files.writeString(worktree.resolve("staged.txt"), "staged\n");
        gitCli.stageAll(worktree);
        WorkspaceTransferGrpc.WorkspaceTransferStub stub = serve(WorkerTokens.none(), 1 << 20, null);
        Iterator<FetchChunk> chunks = WorkspaceTransferGrpc.newBlockingStub(stub.getChannel())
                .fetch(FetchRequest.newBuilder().setSessionId("as-1").setRepository("app").build());

        FetchChunk first = chunks.next();
        assertThat(first.getState().getBranch()).isEqualTo("refs/heads/baton/wf-1");
        assertThat(first.getState().getCommit()).isEqualTo(gitCli.head(worktree));
        assertThat(first.getState().getTree()).isEqualTo(git(worktree, "write-tree"));
        ByteArrayOutputStream bundle = new ByteArrayOutputStream();
        ByteArrayOutputStream patch = new ByteArrayOutputStream();
        while (chunks.hasNext()) {
            FetchChunk c = chunks.next();
            if (c.hasBundle()) c.getBundle().writeTo(bundle);
            else if (c.hasPatch()) c.getPatch().writeTo(patch);
        }
        assertThat(bundle.size()).isEqualTo(first.getState().getBundleBytes()).isPositive();
        assertThat(bundle.toString(StandardCharsets.ISO_8859_1)).startsWith("# v2 git bundle");
        assertThat(patch.toString(StandardCharsets.UTF_8)).contains("+++ b/staged.txt").hasSize((int) first.getState().getPatchBytes());
        assertThat(Files.list(tmp.resolve("run/transfer")).toList()).as("scratch files are gone after the call").isEmpty();
    }

    @Test
    void aPushIsAppliedToTheWorktreeFilesOnceEvenWhenRepeated() throws Exception {
        WorkspaceTransferGrpc.WorkspaceTransferStub stub = serve(WorkerTokens.none(), 1 << 20, null);
        byte[] diff = diff();
        // in two chunks, as a large diff would come
        PushResult r = push(stub, header("as-1", "t1", "app"), java.util.Arrays.copyOf(diff, 10), java.util.Arrays.copyOfRange(diff, 10, diff.length));

        assertThat(r.getFiles()).isEqualTo(2);
        assertThat(worktree.resolve("notes.txt")).hasContent("from the worker");
        assertThat(worktree.resolve("lines.txt")).hasContent("one\ntwo\nthree");
        assertThat(git(worktree, "diff", "--cached", "--name-only")).as("the index is the engine's to stage").isEmpty();

        assertThat(push(stub, header("as-1", "t1", "app"), diff).getFiles()).as("a repeat is answered, not applied").isZero();
        assertThat(meters.get("workspace.transfer.calls").tags("call", "push", "outcome", "repeat").counter().count()).isEqualTo(1.0);
    }

    @Test
    void whatCannotBeAppliedIsRefusedWithAStatusThatSaysWhy() throws Exception {
        WorkspaceTransferGrpc.WorkspaceTransferStub stub = serve(WorkerTokens.none(), 1024, null);
        byte[] evil = """
                diff --git a/../outside.txt b/../outside.txt
                new file mode 100644
                --- /dev/null
                +++ b/../outside.txt
                @@ -0,0 +1 @@
                +owned
                """.getBytes(StandardCharsets.UTF_8);

        assertStatus(() -> push(stub, header("as-9", "t1", "app"), evil), Status.Code.NOT_FOUND, "no agent session as-9");
        assertStatus(() -> push(stub, header("as-1", "t1", "other"), evil), Status.Code.NOT_FOUND, "has no repository 'other'");
        assertStatus(() -> push(stub, header("as-1", "t1", "app"), evil), Status.Code.INVALID_ARGUMENT, "unsafe paths");
        assertThat(worktree.getParent().resolve("outside.txt")).doesNotExist();
        assertStatus(() -> push(stub, header("as-1", "t1", "app"), new byte[700], new byte[700]), Status.Code.RESOURCE_EXHAUSTED,
                "over 1024 bytes (WORKSPACE_PUSH_MAX_BYTES)");
        byte[] diff = diff();
        Files.writeString(worktree.resolve("lines.txt"), "changed on the server meanwhile\n");
        assertStatus(() -> push(stub, header("as-1", "t2", "app"), diff), Status.Code.FAILED_PRECONDITION, "git apply refused it");
        assertThat(worktree.resolve("notes.txt")).as("all or nothing").doesNotExist();
        assertStatus(() -> WorkspaceTransferGrpc.newBlockingStub(stub.getChannel())
                .fetch(FetchRequest.newBuilder().setSessionId("as-1").setRepository("../git").build()).next(), Status.Code.NOT_FOUND, "has no repository '../git'");
    }

    @Test
    void withTokensOnlyTheWorkerTheSessionIsPlacedOnMayCall() throws Exception {
        WorkspaceTransferGrpc.WorkspaceTransferStub stub = serve(WorkerTokens.single("worker-a", TOKEN), 1 << 20, TOKEN);
        assertStatus(() -> push(stub, header("as-1", "t1", "app"), diff()), Status.Code.PERMISSION_DENIED, "session as-1 is not placed on worker worker-a");
        assertStatus(() -> WorkspaceTransferGrpc.newBlockingStub(stub.getChannel()).withCallCredentials(GrpcAuth.bearer(TOKEN))
                .fetch(FetchRequest.newBuilder().setSessionId("as-1").setRepository("app").build()).next(), Status.Code.PERMISSION_DENIED, "not placed on worker");
        assertStatus(() -> WorkspaceTransferGrpc.newBlockingStub(stub.getChannel())
                .fetch(FetchRequest.newBuilder().setSessionId("as-1").setRepository("app").build()).next(), Status.Code.UNAUTHENTICATED, "");
        assertThat(worktree.resolve("notes.txt")).doesNotExist();
    }

    interface Call {
        Object run() throws Exception;
    }

    static void assertStatus(Call call, Status.Code code, String description) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).as(String.valueOf(e.getStatus())).isEqualTo(code);
            assertThat(String.valueOf(e.getStatus().getDescription())).contains(description);
        });
    }
}
