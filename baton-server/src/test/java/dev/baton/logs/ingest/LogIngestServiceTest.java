package dev.baton.logs.ingest;

import dev.baton.grpc.GrpcAuth;
import dev.baton.grpc.TokenAuthInterceptor;
import dev.baton.grpc.WorkerTokens;
import dev.baton.grpc.v1.LogAck;
import dev.baton.grpc.v1.LogBatch;
import dev.baton.grpc.v1.LogEntry;
import dev.baton.grpc.v1.LogStreamGrpc;
import dev.baton.grpc.v1.StreamHello;
import dev.baton.logs.store.LogLine;
import dev.baton.logs.store.LogQuery;
import dev.baton.logs.store.LogStore;
import dev.baton.logs.store.LogStoreSettings;
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

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The LogStream service on a real Netty server (loopback, port 0) with the token interceptor, and real client stubs. */
class LogIngestServiceTest {
    private static final String TOKEN = "token-of-worker-one-0123456789";
    private static final int MAX_MESSAGE = 64 * 1024;

    @TempDir
    Path dir;
    LogStore store;
    final SimpleMeterRegistry storeMeters = new SimpleMeterRegistry();
    LogIngestService service;
    Server server;
    ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        store = LogStore.open(dir, LogStoreSettings.defaults(), Clock.systemUTC(), storeMeters);
        service = new LogIngestService(store, Clock.systemUTC(), new SimpleMeterRegistry());
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(service, new TokenAuthInterceptor(WorkerTokens.single("w1", TOKEN))))
                .maxInboundMessageSize(MAX_MESSAGE)
                .build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        store.close();
    }

    private LogStreamGrpc.LogStreamStub stub(String token) {
        LogStreamGrpc.LogStreamStub s = LogStreamGrpc.newStub(channel);
        return token == null ? s : s.withCallCredentials(GrpcAuth.bearer(token));
    }

    /** A client call that records acks and how it ended. */
    static final class Call implements StreamObserver<LogAck> {
        final List<Long> acks = new CopyOnWriteArrayList<>();
        final CompletableFuture<Status> end = new CompletableFuture<>();
        StreamObserver<LogBatch> requests;

        @Override
        public void onNext(LogAck ack) {
            acks.add(ack.getAckedSequence());
        }

        @Override
        public void onError(Throwable t) {
            end.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            end.complete(Status.OK);
        }

        long lastAck() {
            return acks.isEmpty() ? -1 : acks.getLast();
        }
    }

    private Call open(String token, String worker, String stream) {
        Call c = new Call();
        c.requests = stub(token).stream(c);
        c.requests.onNext(LogBatch.newBuilder().setHello(StreamHello.newBuilder().setWorkerId(worker).setStreamId(stream)
                .putMetadata("pod_name", "worker-0").putMetadata("node", "n1")).build());
        return c;
    }

    private static LogBatch entries(String workflow, long from, long to) {
        LogBatch.Builder b = LogBatch.newBuilder();
        for (long s = from; s <= to; s++) {
            b.addEntries(LogEntry.newBuilder().setSequence(s).setTimestampUnixNanos(1_796_000_000_000_000_000L + s).setWorkflowId(workflow)
                    .setTaskId("task-1").setLevel(LogEntry.Level.INFO).setSource(LogEntry.Source.STDOUT).setMessage("line " + s));
        }
        return b.build();
    }

    private List<LogLine> stored(String workflow) {
        List<LogLine> out = new ArrayList<>();
        long after = 0;
        while (true) {
            var page = store.read(workflow, LogQuery.all().withAfter(after));
            out.addAll(page.lines());
            if (page.lines().isEmpty()) return out;
            after = page.nextAfter();
        }
    }

    @Test
    void helloIsAnsweredWithTheMarkAndEveryBatchAckedAfterItIsStored() {
        Call c = open(TOKEN, "w1", "spool-1");
        await().until(() -> c.acks.equals(List.of(0L)));
        for (int i = 0; i < 10; i++) c.requests.onNext(entries("wf-a", i * 100L + 1, (i + 1) * 100L));
        await().until(() -> c.lastAck() == 1000);
        c.requests.onCompleted();
        assertThat(c.end.join().getCode()).isEqualTo(Status.Code.OK);
        assertThat(c.acks).isSorted();
        List<LogLine> lines = stored("wf-a");
        assertThat(lines).hasSize(1000);
        assertThat(lines.getFirst().workerId()).isEqualTo("w1");
        assertThat(lines.getFirst().metadata()).containsEntry("pod_name", "worker-0").containsEntry("node", "n1");
    }

    @Test
    void aReconnectResumesFromTheMarkAndReplayedLinesAreStoredOnce() {
        Call first = open(TOKEN, "w1", "spool-1");
        first.requests.onNext(entries("wf-a", 1, 500));
        await().until(() -> first.lastAck() == 500);

        Call second = open(TOKEN, "w1", "spool-1"); // the worker reconnects before the old call died
        await().until(() -> second.acks.equals(List.of(500L)));
        assertThat(first.end.join().getCode()).as("the older call is replaced").isEqualTo(Status.Code.CANCELLED);
        second.requests.onNext(entries("wf-a", 301, 800)); // it replays what it was unsure of
        await().until(() -> second.lastAck() == 800);
        second.requests.onCompleted();
        second.end.join();

        List<LogLine> lines = stored("wf-a");
        assertThat(lines).extracting(LogLine::message).doesNotHaveDuplicates().hasSize(800);
        assertThat(service.activeStreams()).isZero();
    }

    @Test
    void linesAWorkerLostBeforeSendingBecomeOneGapRecordAndANormalResumeRecordsNone() {
        Call before = open(TOKEN, "w1", "spool-1");
        before.requests.onNext(entries("wf-a", 1, 100));
        await().until(() -> before.lastAck() == 100);
        before.requests.onCompleted();
        before.end.join();

        // The worker was killed with 101..160 only in its memory; restarted, it numbers on from 161.
        Call restarted = open(TOKEN, "w1", "spool-1");
        await().until(() -> restarted.acks.equals(List.of(100L)));
        restarted.requests.onNext(entries("wf-a", 161, 200));
        await().until(() -> restarted.lastAck() == 200);
        restarted.requests.onCompleted();
        restarted.end.join();

        List<LogLine> lines = stored("wf-a");
        assertThat(lines).hasSize(141).filteredOn(l -> l.gap() != null).singleElement().satisfies(gap -> {
            assertThat(gap.gap()).isEqualTo(new LogLine.Gap(60, 0));
            assertThat(gap.workerId()).isEqualTo("w1");
            assertThat(gap.metadata()).containsEntry("gap_origin", "server").containsEntry("gap_first_sequence", "101")
                    .containsEntry("gap_last_sequence", "160");
            assertThat(gap.message()).contains("sequences 101..160 of stream spool-1", "worker w1");
        });
        assertThat(lines.get(99).message()).isEqualTo("line 100");
        assertThat(lines.get(100).gap()).as("in order: right after the last line before the hole").isNotNull();
        assertThat(lines.get(101).message()).isEqualTo("line 161");

        // A reconnect resends from the acknowledged mark and beyond, some of it already stored: no gap.
        Call resumed = open(TOKEN, "w1", "spool-1");
        await().until(() -> resumed.acks.equals(List.of(200L)));
        resumed.requests.onNext(entries("wf-a", 151, 250));
        await().until(() -> resumed.lastAck() == 250);
        resumed.requests.onCompleted();
        resumed.end.join();

        assertThat(stored("wf-a")).hasSize(191).filteredOn(l -> l.gap() != null).hasSize(1);
        assertThat(storeMeters.get("log.store.gap.lines").tag("origin", "server").counter().count()).isEqualTo(60);
        assertThat(storeMeters.get("log.store.gap.records").tag("origin", "server").counter().count()).isEqualTo(1);
    }

    @Test
    void aFirstMessageWithoutHelloOrStreamIdIsInvalid() {
        Call noHello = new Call();
        noHello.requests = stub(TOKEN).stream(noHello);
        noHello.requests.onNext(entries("wf-a", 1, 1));
        Status s = noHello.end.join();
        assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(s.getDescription()).contains("must carry hello");

        Call noStream = open(TOKEN, "w1", "");
        assertThat(noStream.end.join().getDescription()).contains("stream_id");
    }

    @Test
    void sequencesThatDoNotAscendAreRefusedNamingTheEntry() {
        Call c = open(TOKEN, "w1", "spool-1");
        LogBatch bad = LogBatch.newBuilder().addAllEntries(entries("wf-a", 1, 3).getEntriesList()).addEntries(entries("wf-a", 2, 2).getEntries(0)).build();
        c.requests.onNext(bad);
        Status s = c.end.join();
        assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(s.getDescription()).contains("entries[3].sequence 2 does not ascend");
        assertThat(stored("wf-a")).isEmpty();
    }

    @Test
    void aMissingOrWrongTokenIsUnauthenticatedAndAnotherWorkersIdIsDenied() {
        assertThat(open(null, "w1", "s").end.join().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(open("wrong-token-0123456789abcdef", "w1", "s").end.join().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        Status denied = open(TOKEN, "w2", "s").end.join();
        assertThat(denied.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(denied.getDescription()).contains("'w2'");
    }

    @Test
    void aMessageOverTheServersLimitIsResourceExhausted() {
        LogEntry huge = LogEntry.newBuilder().setSequence(1).setWorkflowId("wf-a").setMessage("x".repeat(MAX_MESSAGE + 1)).build();
        var blocking = LogStreamGrpc.newBlockingStub(channel).withCallCredentials(GrpcAuth.bearer(TOKEN));
        assertThatThrownBy(() -> blocking.append(LogBatch.newBuilder().setHello(StreamHello.newBuilder().setWorkerId("w1").setStreamId("u"))
                .addEntries(huge).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));

        Call first = new Call(); // oversize first message of a stream: the status reaches the client
        first.requests = stub(TOKEN).stream(first);
        first.requests.onNext(LogBatch.newBuilder().setHello(StreamHello.newBuilder().setWorkerId("w1").setStreamId("s")).addEntries(huge).build());
        Status s = first.end.join();
        assertThat(s.getCode()).as(s.toString()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

        // A later oversize message ends the call too, but grpc-java resets the stream (CANCELLED) instead of
        // sending the status: grpc/grpc-java#11245. Either way nothing of it is stored.
        Call later = open(TOKEN, "w1", "spool-1");
        await().until(() -> later.acks.size() == 1);
        later.requests.onNext(LogBatch.newBuilder().addEntries(huge).build());
        assertThat(later.end.join().getCode()).isIn(Status.Code.RESOURCE_EXHAUSTED, Status.Code.CANCELLED);
        assertThat(stored("wf-a")).isEmpty();
    }

    @Test
    void theUnaryAppendStoresAndAcks() {
        var blocking = LogStreamGrpc.newBlockingStub(channel).withCallCredentials(GrpcAuth.bearer(TOKEN));
        LogBatch one = LogBatch.newBuilder().setHello(StreamHello.newBuilder().setWorkerId("w1").setStreamId("unary"))
                .addAllEntries(entries("wf-b", 1, 1).getEntriesList()).build();
        assertThat(blocking.append(one).getAckedSequence()).isEqualTo(1);
        assertThat(blocking.append(one).getAckedSequence()).as("the same line again is not stored twice").isEqualTo(1);
        assertThat(stored("wf-b")).hasSize(1);
        assertThatThrownBy(() -> blocking.append(LogBatch.newBuilder().build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }

    @Test
    void aFullStoreQueueHoldsTheWorkerBackUntilItDrains() throws Exception {
        store.close();
        store = LogStore.open(dir.resolve("small"), LogStoreSettings.defaults().withQueueBytes(4096), Clock.systemUTC(), new SimpleMeterRegistry());
        service = new LogIngestService(store, Clock.systemUTC(), new SimpleMeterRegistry());
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
        channel.shutdownNow();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();

        Call c = open(null, "w9", "spool");
        for (int i = 0; i < 200; i++) c.requests.onNext(entries("wf-c", i * 50L + 1, (i + 1) * 50L));
        await().atMost(Duration.ofSeconds(30)).until(() -> c.lastAck() == 10_000);
        c.requests.onCompleted();
        assertThat(c.end.join().getCode()).isEqualTo(Status.Code.OK);
        assertThat(stored("wf-c")).hasSize(10_000);
        assertThat(Map.of("acks", c.acks.size())).extractingByKey("acks").isNotNull();
    }
}
