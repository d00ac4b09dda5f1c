package dev.baton.logs.ingest;

import dev.baton.grpc.GrpcAuth;
import dev.baton.grpc.v1.LogAck;
import dev.baton.grpc.v1.StreamHello;
import dev.baton.logs.store.AppendBatch;
import dev.baton.logs.store.AppendCallback;
import dev.baton.logs.store.LogStore;
import dev.baton.logs.store.StreamKey;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * One {@code LogStream.Stream} call: hello, then batches. The next message is requested only once the store
 * has queued the current batch (a full store queue therefore stops the worker: backpressure); each batch is
 * acknowledged, after the fsync, with the stream's highest stored sequence. Responses come from the gRPC
 * thread and the store's writer thread, so every use of the response observer holds this object's lock.
 */
final class IngestCall implements StreamObserver<WireBatch> {
    private static final Logger log = LoggerFactory.getLogger(IngestCall.class);

    private final LogIngestService service;
    private final ServerCallStreamObserver<LogAck> responses;
    private StreamKey key;
    private Map<String, String> metadata;
    private AppendBatch waiting; // refused by a full queue, retried when it has room
    private int outstanding; // batches queued but not yet acknowledged
    private boolean halfClosed;
    private boolean closed;

    IngestCall(LogIngestService service, ServerCallStreamObserver<LogAck> responses) {
        this.service = service;
        this.responses = responses;
    }

    StreamKey key() {
        return key;
    }

    @Override
    public void onNext(WireBatch batch) {
        try {
            if (batch.malformed() != null) throw EntryConversion.invalid(batch.malformed());
            if (key == null) {
                hello(batch);
                if (batch.entryCount() == 0) {
                    responses.request(1);
                    return;
                }
            } else if (batch.hasHello()) {
                throw EntryConversion.invalid("hello is only allowed on the first message of a call");
            }
            service.metrics().batch();
            AppendBatch append = EntryConversion.batch(key.workerId(), key.streamId(), metadata, batch, service.clock());
            LogStore.validate(append);
            synchronized (this) {
                if (closed) return;
                outstanding++;
            }
            submit(append);
        } catch (StatusRuntimeException e) {
            fail(e.getStatus());
        } catch (IllegalArgumentException e) {
            fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
        }
    }

    private void hello(WireBatch batch) {
        if (!batch.hasHello()) throw EntryConversion.invalid("the first message of a log stream must carry hello (worker_id, stream_id)");
        StreamHello hello = batch.hello();
        String worker = GrpcAuth.effectiveWorkerId(hello.getWorkerId());
        if (hello.getStreamId().isEmpty()) throw EntryConversion.invalid("hello.stream_id is required");
        key = new StreamKey(worker, hello.getStreamId());
        metadata = Map.copyOf(hello.getMetadataMap());
        service.register(this);
        long mark = service.store().highWaterMark(worker, key.streamId());
        log.info("log stream {} of worker {} opened; resuming after sequence {}", key.streamId(), worker, mark);
        send(mark);
    }

    private void submit(AppendBatch append) {
        if (service.store().tryAppend(append, callback())) {
            responses.request(1);
        } else {
            synchronized (this) {
                waiting = append;
            }
            service.store().whenSpace(this::retry);
        }
    }

    /** Runs on the store's writer thread when its queue has room again. */
    private void retry() {
        AppendBatch append;
        synchronized (this) {
            if (closed || waiting == null) return;
            append = waiting;
            waiting = null;
        }
        submit(append);
    }

    private AppendCallback callback() {
        return new AppendCallback() {
            @Override
            public void stored(long highWaterMark) {
                send(highWaterMark);
                finishOne();
            }

            @Override
            public void failed(Throwable failure) {
                fail(Status.UNAVAILABLE.withDescription("the server could not store the logs: " + failure.getMessage()));
            }
        };
    }

    private synchronized void send(long mark) {
        if (closed) return;
        try {
            responses.onNext(LogAck.newBuilder().setStreamId(key.streamId()).setAckedSequence(mark).build());
            service.metrics().ack();
        } catch (RuntimeException e) {
            // the call went away meanwhile (cancelled): nothing to tell
            closed = true;
        }
    }

    private synchronized void finishOne() {
        outstanding--;
        if (halfClosed && outstanding == 0) complete();
    }

    private void complete() {
        if (closed) return;
        closed = true;
        service.unregister(this);
        try {
            responses.onCompleted();
        } catch (RuntimeException ignored) {
            // already cancelled
        }
    }

    /** Ends the call with {@code status}, once. */
    synchronized void fail(Status status) {
        if (closed) return;
        closed = true;
        waiting = null;
        service.unregister(this);
        service.metrics().rejected(status.getCode().name());
        log.info("log stream {} ended: {} {}", key == null ? "(before hello)" : key, status.getCode(), status.getDescription());
        try {
            responses.onError(status.asRuntimeException());
        } catch (RuntimeException ignored) {
            // already cancelled
        }
    }

    @Override
    public void onError(Throwable t) {
        cancelled();
    }

    /** The client cancelled or the connection broke: forget the call, keep whatever it stored. */
    synchronized void cancelled() {
        if (closed) return;
        closed = true;
        waiting = null;
        service.unregister(this);
    }

    @Override
    public synchronized void onCompleted() {
        halfClosed = true;
        if (outstanding == 0) complete();
    }
}
