package dev.baton.worker.logs;

import dev.baton.grpc.GrpcAuth;
import dev.baton.grpc.v1.LogAck;
import dev.baton.grpc.v1.LogBatch;
import dev.baton.grpc.v1.LogStreamGrpc;
import dev.baton.grpc.v1.StreamHello;
import io.grpc.CallOptions;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ships a {@link LogSpool} to the server over one {@code LogStream.Stream} call at a time: hello, wait for the
 * server's ack, then send from the entry after it while the call is ready (gRPC flow control: a slow server
 * stops the sending, the spool absorbs the rest). Any end of the call reconnects, forever, with jittered
 * exponential backoff; since every call resumes after the server's ack, replays are exact.
 *
 * <p>All call handling runs on one thread, so the call is never used concurrently; gRPC callbacks and new lines
 * only post work to it. A line appended while the link is idle is sent at once, without any linger.
 *
 * <p>The call is {@code LogStream.Stream} with a request marshaller for bytes: the spool hands out batches
 * already serialized as a {@link LogBatch} ({@link SpoolBatch}), and they go out without being parsed and
 * serialized again. The wire format is the same; the responses are still {@link LogAck}s.
 */
public final class LogShipper implements AutoCloseable {
    /** Batches sent and not yet acknowledged, at most. */
    static final int MAX_IN_FLIGHT = 4;
    private static final Logger log = LoggerFactory.getLogger(LogShipper.class);
    static final MethodDescriptor<byte[], LogAck> RAW_STREAM = LogStreamGrpc.getStreamMethod()
            .toBuilder(SerializedMessageMarshaller.INSTANCE, LogStreamGrpc.getStreamMethod().getResponseMarshaller())
            .build();

    private final ManagedChannel channel;
    private final LogSpool spool;
    private final ShipperSettings settings;
    private final Counter reconnects;
    private final ScheduledExecutorService actor;
    private final AtomicBoolean drainPosted = new AtomicBoolean();

    // Confined to the actor thread.
    private Call current;
    private int failures;
    private boolean closed;

    private LogShipper(ManagedChannel channel, LogSpool spool, ShipperSettings settings, MeterRegistry meters) {
        this.channel = channel;
        this.spool = spool;
        this.settings = settings;
        this.reconnects = Counter.builder("worker.logs.reconnects")
                .description("Log stream calls started again after the previous one ended").register(meters);
        this.actor = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("log-shipper").unstarted(r));
    }

    /** Starts shipping at once; the channel stays the caller's (close it after {@link #close()}). */
    public static LogShipper start(ManagedChannel channel, LogSpool spool, ShipperSettings settings, MeterRegistry meters) {
        LogShipper shipper = new LogShipper(channel, spool, settings, meters);
        spool.onAppend(shipper::requestDrain);
        shipper.post(shipper::connect);
        log.info("shipping logs of worker {} (stream {}) to {}", settings.workerId(), spool.streamId(), channel.authority());
        return shipper;
    }

    /** Waits until every line appended before this call is acknowledged by the server; false on timeout. */
    public boolean flush(Duration timeout) {
        requestDrain();
        try {
            return spool.awaitAcknowledged(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops shipping (the current call is cancelled); what is not acknowledged stays in the spool. */
    @Override
    public void close() {
        spool.onAppend(() -> { });
        post(() -> {
            closed = true;
            if (current != null) {
                current.requests.cancel("worker log shipper closed", null);
                current = null;
            }
        });
        actor.shutdown();
        try {
            if (!actor.awaitTermination(5, TimeUnit.SECONDS)) actor.shutdownNow();
        } catch (InterruptedException e) {
            actor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void post(Runnable task) {
        try {
            actor.execute(task);
        } catch (RejectedExecutionException e) {
            // Closed: nothing more to do.
        }
    }

    private void requestDrain() {
        // Called for every line: a plain read first, so a drain already posted costs no atomic update.
        if (!drainPosted.get() && drainPosted.compareAndSet(false, true)) {
            post(() -> {
                drainPosted.set(false);
                drain();
            });
        }
    }

    private void connect() {
        if (closed) return;
        if (failures > 0) reconnects.increment();
        // Our backoff decides when to retry, not the channel's own (which grows to minutes).
        if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) channel.resetConnectBackoff();
        CallOptions options = CallOptions.DEFAULT;
        if (settings.token() != null) options = options.withCallCredentials(GrpcAuth.bearer(settings.token()));
        Call call = new Call();
        current = call;
        ClientCalls.asyncBidiStreamingCall(channel.newCall(RAW_STREAM, options), call);
        call.requests.onNext(LogBatch.newBuilder().setHello(StreamHello.newBuilder()
                .setWorkerId(settings.workerId())
                .setStreamId(spool.streamId())
                .putAllMetadata(settings.metadata())).build().toByteArray());
    }

    private void acknowledged(Call call, LogAck ack) {
        spool.acknowledge(ack.getAckedSequence()); // valid whichever call it came on: the server stored it
        if (call != current || closed) return;
        if (!call.resumed) {
            call.resumed = true;
            call.next = ack.getAckedSequence() + 1;
            if (failures > 0) {
                log.info("log stream of worker {} re-established after {} failed attempt(s); resuming after sequence {}",
                        settings.workerId(), failures, ack.getAckedSequence());
            }
            failures = 0;
        } else {
            call.next = Math.max(call.next, ack.getAckedSequence() + 1);
        }
        while (!call.inFlight.isEmpty() && call.inFlight.peekFirst() <= ack.getAckedSequence()) call.inFlight.removeFirst();
        drain();
    }

    private void drain() {
        Call call = current;
        if (call == null || !call.resumed || closed) return;
        // A few batches in flight, not one per line: while they wait for their acknowledgement (one fsync away)
        // new lines gather into the next batch, so the batch size follows the line rate and the per-message
        // cost on both ends stays flat; an idle stream still sends a single line at once.
        while (call.inFlight.size() < MAX_IN_FLIGHT && call.requests.isReady()) {
            SpoolBatch batch = spool.readBatch(call.next, settings.maxBatchEntries(), settings.maxBatchBytes());
            if (batch.isEmpty()) return;
            call.requests.onNext(batch.bytes());
            call.next = batch.lastSequence() + 1;
            call.inFlight.addLast(batch.lastSequence());
        }
    }

    private void ended(Call call, Status status) {
        if (call != current || closed) return;
        current = null;
        failures++;
        Duration wait = backoff(failures);
        if (status.getCode() == Status.Code.UNAUTHENTICATED || status.getCode() == Status.Code.PERMISSION_DENIED) {
            log.warn("log stream of worker {} refused by {}: {} ({}); check the worker's token. Retrying in {} ms (attempt {})",
                    settings.workerId(), channel.authority(), status.getCode(), status.getDescription(), wait.toMillis(), failures);
        } else {
            log.warn("log stream of worker {} to {} ended: {}{}; reconnecting in {} ms (attempt {}), {} lines unacknowledged",
                    settings.workerId(), channel.authority(), status.getCode(),
                    status.getDescription() == null ? "" : " (" + status.getDescription() + ")", wait.toMillis(), failures, spool.unackedLines());
        }
        try {
            actor.schedule(this::connect, wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Closed meanwhile.
        }
    }

    /** Exponential from the minimum, capped, with "equal jitter" (half fixed, half random) so workers spread out. */
    private Duration backoff(int attempt) {
        long min = settings.minBackoff().toNanos();
        long max = settings.maxBackoff().toNanos();
        long exp = attempt >= 40 ? max : Math.min(max, min << Math.min(attempt - 1, 40));
        long half = Math.max(1, exp / 2);
        return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(half));
    }

    /** One Stream call; its callbacks only post to the actor thread. */
    private final class Call implements ClientResponseObserver<byte[], LogAck> {
        ClientCallStreamObserver<byte[]> requests;
        boolean resumed;
        long next;
        /** Last sequence of each batch sent and not yet acknowledged, oldest first. */
        final ArrayDeque<Long> inFlight = new ArrayDeque<>();

        @Override
        public void beforeStart(ClientCallStreamObserver<byte[]> requestStream) {
            this.requests = requestStream;
            requestStream.setOnReadyHandler(LogShipper.this::requestDrain);
        }

        @Override
        public void onNext(LogAck ack) {
            post(() -> acknowledged(this, ack));
        }

        @Override
        public void onError(Throwable t) {
            Status status = Status.fromThrowable(t);
            post(() -> ended(this, status));
        }

        @Override
        public void onCompleted() {
            post(() -> ended(this, Status.UNAVAILABLE.withDescription("the server ended the call")));
        }
    }
}
