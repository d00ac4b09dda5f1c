package dev.baton.worker;

import dev.baton.agent.AgentLauncher;
import dev.baton.grpc.CorrelationIdClientInterceptor;
import dev.baton.grpc.GrpcAuth;
import dev.baton.grpc.GrpcChannels;
import dev.baton.grpc.v1.Heartbeat;
import dev.baton.grpc.v1.Register;
import dev.baton.grpc.v1.Registered;
import dev.baton.grpc.v1.ServerMessage;
import dev.baton.grpc.v1.WorkerControlGrpc;
import dev.baton.grpc.v1.WorkerMessage;
import dev.baton.worker.logs.AgentLogSink;
import dev.baton.git.GitCli;
import dev.baton.git.WorktreeTransfer;
import dev.baton.grpc.v1.WorkspaceTransferGrpc;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A worker: keeps one control stream to the server open (reconnecting forever with jittered backoff),
 * registers, heartbeats at the interval the server announced, and runs what the server assigns with a
 * local {@link AgentLauncher} — the same runner the engine uses, so local and remote execution are one
 * code path. Agents keep running across a short disconnect: the worker re-registers with their session ids,
 * and answers that could not be sent meanwhile are sent after the reconnect.
 */
public final class WorkerRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerRuntime.class);
    /** How long to wait for Registered after opening the stream before giving the attempt up. */
    private static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(30);
    /** For fetches and pushes in the own workdir: a large repository's first bundle may take a while. */
    private static final Duration GIT_TIMEOUT = Duration.ofMinutes(10);

    private final WorkerSettings settings;
    private final ManagedChannel channel;
    private final WorkerControlGrpc.WorkerControlStub stub;
    private final AssignedAgents agents;
    /** Answers (AgentStarted, TaskResult) that found no open stream: sent after the next registration. */
    private final Queue<WorkerMessage> outbox = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService heartbeats;
    private final Counter reconnects;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running;
    private volatile ControlConnection connection;
    private volatile String connectionId = "";
    private volatile ScheduledFuture<?> heartbeat;
    private Thread loop;

    /**
     * @param channel owned by the runtime from now on (shut down by {@link #close()}); a Netty channel to a
     *                remote server or an in-process one for the server's embedded worker
     */
    public WorkerRuntime(WorkerSettings settings, ManagedChannel channel, AgentLauncher launcher, AgentLogSink sink, MeterRegistry meters) {
        this.settings = settings;
        this.channel = channel;
        WorkerControlGrpc.WorkerControlStub s = WorkerControlGrpc.newStub(
                ClientInterceptors.intercept(channel, new CorrelationIdClientInterceptor(() -> connectionId)));
        this.stub = settings.token() == null || settings.token().isBlank() ? s : s.withCallCredentials(GrpcAuth.bearer(settings.token()));
        this.agents = new AssignedAgents(launcher, sink, settings.workerId(), settings.capacity(), this::send, meters, ownWorkdir(settings, channel, meters));
        this.reconnects = Counter.builder("worker.reconnects").description("Control stream connections opened after the first").register(meters);
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("worker-heartbeat").factory());
    }

    /** The worker's own copies of the repositories, fetched and pushed over the same channel; null without {@code --workdir}. */
    private OwnWorkdir ownWorkdir(WorkerSettings settings, ManagedChannel channel, MeterRegistry meters) {
        if (settings.workdir() == null) return null;
        Channel c = ClientInterceptors.intercept(channel, new CorrelationIdClientInterceptor(() -> connectionId));
        var blocking = WorkspaceTransferGrpc.newBlockingStub(c);
        var async = WorkspaceTransferGrpc.newStub(c);
        if (settings.token() != null && !settings.token().isBlank()) {
            blocking = blocking.withCallCredentials(GrpcAuth.bearer(settings.token()));
            async = async.withCallCredentials(GrpcAuth.bearer(settings.token()));
        }
        return new OwnWorkdir(settings.workdir(), new WorktreeTransfer(new GitCli(GIT_TIMEOUT)),
                new WorkspaceTransferClient(blocking, async, settings.maxBackoff()), meters);
    }

    /** A runtime connected over the network (TLS when the settings name a certificate). */
    public static WorkerRuntime overNetwork(WorkerSettings settings, AgentLauncher launcher, AgentLogSink sink, MeterRegistry meters) {
        return new WorkerRuntime(settings, GrpcChannels.toServer(settings.server(), settings.tlsCert(), GrpcChannels.DEFAULT_MAX_MESSAGE_BYTES),
                launcher, sink, meters);
    }

    public String workerId() {
        return settings.workerId();
    }

    /** Registered on an open stream right now. */
    public boolean connected() {
        ControlConnection c = connection;
        return c != null && c.isRegistered();
    }

    /** Starts connecting in the background; returns at once. */
    public synchronized WorkerRuntime start() {
        if (running) return this;
        running = true;
        loop = Thread.ofPlatform().daemon().name("worker-" + settings.workerId()).start(this::connectForever);
        return this;
    }

    /** Blocks until {@link #close()} is called (from a shutdown hook, say). */
    public void awaitClosed() throws InterruptedException {
        stopped.await();
    }

    private void connectForever() {
        Backoff backoff = new Backoff(settings.maxBackoff());
        int attempt = 0;
        while (running) {
            connectionId = "conn-" + UUID.randomUUID().toString().substring(0, 8);
            if (attempt++ > 0) reconnects.increment();
            ControlConnection c = ControlConnection.open(stub, this::command);
            connection = c;
            Status end;
            try {
                c.send(WorkerMessage.newBuilder().setRegister(register()).build());
                Registered r = c.registered().get(REGISTER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                backoff.reset();
                onRegistered(c, r);
                end = c.ended().get();
            } catch (ExecutionException e) {
                end = Status.fromThrowable(e.getCause());
            } catch (TimeoutException e) {
                c.cancel("no Registered within " + REGISTER_TIMEOUT.toSeconds() + " s");
                end = Status.DEADLINE_EXCEEDED.withDescription("no Registered within " + REGISTER_TIMEOUT.toSeconds() + " s");
            } catch (InterruptedException e) {
                c.cancel("worker stopping");
                return;
            } finally {
                ScheduledFuture<?> h = heartbeat;
                if (h != null) h.cancel(false);
            }
            if (!running) return;
            Duration wait = backoff.next();
            if (end.getCode() == Status.Code.UNAUTHENTICATED || end.getCode() == Status.Code.PERMISSION_DENIED) {
                log.error("worker {} refused by {}: {} {}; retrying in {} ms", settings.workerId(), settings.server(), end.getCode(),
                        end.getDescription(), wait.toMillis());
            } else {
                log.warn("worker {} lost its control stream to {} ({} {}); reconnecting in {} ms", settings.workerId(), settings.server(),
                        end.getCode(), end.getDescription(), wait.toMillis());
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private Register register() {
        return Register.newBuilder().setWorkerId(settings.workerId()).putAllLabels(settings.labels()).setCapacity(settings.capacity())
                .setVersion(version()).putAllMetadata(settings.metadata()).addAllRunningSessions(agents.running())
                .setOwnWorkdir(settings.workdir() != null).build();
    }

    private void onRegistered(ControlConnection c, Registered r) {
        long interval = r.getHeartbeatIntervalMs() > 0 ? r.getHeartbeatIntervalMs() : 5000;
        log.info("worker {} registered with {} (connection {}, {} running session(s), heartbeat every {} ms)", settings.workerId(),
                settings.server(), connectionId, agents.running().size(), interval);
        heartbeat = heartbeats.scheduleAtFixedRate(() -> c.send(WorkerMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder()
                .setSentAtUnixMs(System.currentTimeMillis()).addAllRunningSessions(agents.running()).setFreeSlots(agents.freeSlots())).build()),
                interval, interval, TimeUnit.MILLISECONDS);
        for (WorkerMessage m; (m = outbox.poll()) != null; ) {
            if (!c.send(m)) {
                outbox.add(m);
                break;
            }
        }
    }

    private void command(ServerMessage m) {
        switch (m.getBodyCase()) {
            case START_AGENT -> agents.start(m.getStartAgent());
            case RUN_TASK -> agents.run(m.getRunTask());
            case STOP_AGENT -> agents.stop(m.getStopAgent());
            default -> log.warn("worker {} ignores an unexpected {} from the server", settings.workerId(), m.getBodyCase());
        }
    }

    /** Sends an answer now, or keeps it for the next connection. */
    private void send(WorkerMessage m) {
        ControlConnection c = connection;
        if (c != null && c.isRegistered() && c.send(m)) return;
        outbox.add(m);
    }

    /** Stops every agent gracefully (SIGTERM, then SIGKILL after its stop timeout), then the connection. */
    @Override
    public void close() {
        synchronized (this) {
            if (!running && stopped.getCount() == 0) return;
            running = false;
        }
        log.info("worker {} stopping its {} agent(s)", settings.workerId(), agents.running().size());
        agents.stopAll();
        ControlConnection c = connection;
        if (c != null) {
            for (WorkerMessage m; (m = outbox.poll()) != null; ) c.send(m);
            c.close();
        }
        if (loop != null) loop.interrupt();
        heartbeats.shutdownNow();
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) channel.shutdownNow();
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
        stopped.countDown();
    }

    private static String version() {
        String v = WorkerRuntime.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
