package dev.baton.logs.ingest;

import dev.baton.grpc.GrpcAuth;
import dev.baton.grpc.v1.LogAck;
import dev.baton.grpc.v1.LogBatch;
import dev.baton.grpc.v1.LogStreamGrpc;
import dev.baton.logs.store.AppendBatch;
import dev.baton.logs.store.LogStore;
import dev.baton.logs.store.StreamKey;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server end of {@code baton.v1.LogStream}: workers' log lines into the {@link LogStore}, with manual flow
 * control and acknowledgements after durability. One live call per (worker, stream): a newer one replaces
 * (cancels) the older, as a worker that reconnects before the old connection timed out needs.
 */
public final class LogIngestService extends LogStreamGrpc.LogStreamImplBase {
    private final LogStore store;
    private final Clock clock;
    private final LogIngestMetrics metrics;
    private final Map<StreamKey, IngestCall> active = new ConcurrentHashMap<>();

    public LogIngestService(LogStore store, Clock clock, MeterRegistry meters) {
        this.store = store;
        this.clock = clock;
        this.metrics = new LogIngestMetrics(meters, active::size);
    }

    @Override
    public StreamObserver<LogBatch> stream(StreamObserver<LogAck> responseObserver) {
        ServerCallStreamObserver<LogAck> responses = (ServerCallStreamObserver<LogAck>) responseObserver;
        responses.disableAutoRequest();
        IngestCall call = new IngestCall(this, responses);
        responses.setOnCancelHandler(call::cancelled);
        responses.request(1);
        return call;
    }

    @Override
    public void append(LogBatch request, StreamObserver<LogAck> responseObserver) {
        try {
            if (!request.hasHello() || request.getHello().getStreamId().isEmpty()) {
                throw EntryConversion.invalid("Append needs hello with worker_id and stream_id");
            }
            String worker = GrpcAuth.effectiveWorkerId(request.getHello().getWorkerId());
            String streamId = request.getHello().getStreamId();
            metrics.batch();
            AppendBatch batch = EntryConversion.batch(worker, streamId, Map.copyOf(request.getHello().getMetadataMap()), request.getEntriesList(), clock);
            LogStore.validate(batch);
            store.append(batch).whenComplete((mark, failure) -> {
                if (failure != null) {
                    responseObserver.onError(Status.UNAVAILABLE.withDescription("the server could not store the logs: " + failure.getMessage()).asRuntimeException());
                    return;
                }
                responseObserver.onNext(LogAck.newBuilder().setStreamId(streamId).setAckedSequence(mark).build());
                responseObserver.onCompleted();
                metrics.ack();
            });
        } catch (StatusRuntimeException e) {
            metrics.rejected(e.getStatus().getCode().name());
            responseObserver.onError(e);
        } catch (IllegalArgumentException e) {
            metrics.rejected(Status.Code.INVALID_ARGUMENT.name());
            responseObserver.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            responseObserver.onError(Status.UNAVAILABLE.withDescription("the server is shutting down").asRuntimeException());
        }
    }

    /** Open Stream calls (after their hello). */
    public int activeStreams() {
        return active.size();
    }

    void register(IngestCall call) {
        IngestCall old = active.put(call.key(), call);
        if (old != null && old != call) old.fail(Status.CANCELLED.withDescription("replaced by a newer call for the same stream"));
    }

    void unregister(IngestCall call) {
        if (call.key() != null) active.remove(call.key(), call);
    }

    LogStore store() {
        return store;
    }

    Clock clock() {
        return clock;
    }

    LogIngestMetrics metrics() {
        return metrics;
    }
}
