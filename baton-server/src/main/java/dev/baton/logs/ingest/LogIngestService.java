package dev.baton.logs.ingest;

import dev.baton.grpc.GrpcAuth;
import dev.baton.grpc.v1.LogAck;
import dev.baton.grpc.v1.LogStreamGrpc;
import dev.baton.logs.store.AppendBatch;
import dev.baton.logs.store.LogStore;
import dev.baton.logs.store.StreamKey;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
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
public final class LogIngestService implements BindableService {
    private final LogStore store;
    private final Clock clock;
    private final LogIngestMetrics metrics;
    private final Map<StreamKey, IngestCall> active = new ConcurrentHashMap<>();

    public LogIngestService(LogStore store, Clock clock, MeterRegistry meters) {
        this.store = store;
        this.clock = clock;
        this.metrics = new LogIngestMetrics(meters, active::size);
    }

    /**
     * {@code baton.v1.LogStream} with the generated descriptors' names and response marshaller, but requests read
     * as {@link WireBatch}: the hot path never builds a {@code LogEntry} per line.
     */
    @Override
    public ServerServiceDefinition bindService() {
        return ServerServiceDefinition.builder(LogStreamGrpc.SERVICE_NAME)
                .addMethod(LogStreamGrpc.getStreamMethod().toBuilder(WireBatch.MARSHALLER, LogStreamGrpc.getStreamMethod().getResponseMarshaller()).build(),
                        ServerCalls.asyncBidiStreamingCall(this::stream))
                .addMethod(LogStreamGrpc.getAppendMethod().toBuilder(WireBatch.MARSHALLER, LogStreamGrpc.getAppendMethod().getResponseMarshaller()).build(),
                        ServerCalls.asyncUnaryCall(this::append))
                .build();
    }

    StreamObserver<WireBatch> stream(StreamObserver<LogAck> responseObserver) {
        ServerCallStreamObserver<LogAck> responses = (ServerCallStreamObserver<LogAck>) responseObserver;
        responses.disableAutoRequest();
        IngestCall call = new IngestCall(this, responses);
        responses.setOnCancelHandler(call::cancelled);
        responses.request(1);
        return call;
    }

    void append(WireBatch request, StreamObserver<LogAck> responseObserver) {
        try {
            if (request.malformed() != null) throw EntryConversion.invalid(request.malformed());
            if (!request.hasHello() || request.hello().getStreamId().isEmpty()) {
                throw EntryConversion.invalid("Append needs hello with worker_id and stream_id");
            }
            String worker = GrpcAuth.effectiveWorkerId(request.hello().getWorkerId());
            String streamId = request.hello().getStreamId();
            metrics.batch();
            AppendBatch batch = EntryConversion.batch(worker, streamId, Map.copyOf(request.hello().getMetadataMap()), request, clock);
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
