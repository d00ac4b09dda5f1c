package dev.baton.worker;

import dev.baton.grpc.v1.Registered;
import dev.baton.grpc.v1.ServerMessage;
import dev.baton.grpc.v1.WorkerControlGrpc;
import dev.baton.grpc.v1.WorkerMessage;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One Connect call of a worker: sends are serialised (a gRPC stream takes one message at a time), and the
 * call's end is a future the runtime waits on before it reconnects.
 */
final class ControlConnection implements ClientResponseObserver<WorkerMessage, ServerMessage> {
    private final Consumer<ServerMessage> commands;
    private final CompletableFuture<Registered> registered = new CompletableFuture<>();
    private final CompletableFuture<Status> ended = new CompletableFuture<>();
    private volatile ClientCallStreamObserver<WorkerMessage> out;

    ControlConnection(Consumer<ServerMessage> commands) {
        this.commands = commands;
    }

    static ControlConnection open(WorkerControlGrpc.WorkerControlStub stub, Consumer<ServerMessage> commands) {
        ControlConnection c = new ControlConnection(commands);
        stub.connect(c);
        return c;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WorkerMessage> requestStream) {
        this.out = requestStream;
    }

    @Override
    public void onNext(ServerMessage m) {
        if (m.hasRegistered()) registered.complete(m.getRegistered());
        else commands.accept(m);
    }

    @Override
    public void onError(Throwable t) {
        Status status = Status.fromThrowable(t);
        registered.completeExceptionally(t);
        ended.complete(status);
    }

    @Override
    public void onCompleted() {
        registered.completeExceptionally(Status.UNAVAILABLE.withDescription("the server closed the control stream").asRuntimeException());
        ended.complete(Status.OK);
    }

    /** Sends one message; false when the call has ended or the send failed (the caller keeps what matters). */
    synchronized boolean send(WorkerMessage m) {
        if (ended.isDone() || out == null) return false;
        try {
            out.onNext(m);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    CompletableFuture<Registered> registered() {
        return registered;
    }

    CompletableFuture<Status> ended() {
        return ended;
    }

    boolean isRegistered() {
        return registered.isDone() && !registered.isCompletedExceptionally() && !ended.isDone();
    }

    synchronized void close() {
        if (ended.isDone() || out == null) return;
        try {
            out.onCompleted();
        } catch (RuntimeException ignored) {
            // already broken: nothing to close
        }
    }

    void cancel(String why) {
        ClientCallStreamObserver<WorkerMessage> o = out;
        if (o != null) o.cancel(why, null);
    }
}
