package dev.baton.sdk;

import dev.baton.ping.BusState;
import dev.baton.ping.Ping;
import dev.baton.ping.PingBusListener;
import dev.baton.ping.PingType;
import dev.baton.ping.nats.NatsPingBus;
import dev.baton.ping.nats.NatsSettings;
import dev.baton.shared.BatonException;
import dev.baton.spec.store.SpecSnapshot;
import dev.baton.spec.store.TaskField;
import dev.baton.spec.watch.SpecDirectoryWatcher;
import dev.baton.spec.watch.SpecFileChange;
import dev.baton.spec.watch.WatchSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An agent's connection to Baton's spec files, the way seed 000 has agents talk: the spec files are the truth,
 * NATS pings say quickly that one changed, and a watcher with a poller on the spec folder finds every change the
 * pings missed (NATS down, a ping lost). Writes go through compare-and-swap, so no agent — in this process or
 * another — loses another's update.
 *
 * <pre>{@code
 * try (BatonAgentClient client = BatonAgentClient.connect(AgentSettings.defaults("reviewer", natsUrl, specRoot))) {
 *     client.subscribe(spec -> spec.tasksAssignedTo("reviewer").forEach(...));
 *     ...
 * }
 * }</pre>
 */
public final class BatonAgentClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatonAgentClient.class);
    /** A writer holds a spec's lock for one read-merge-write; anything longer is a stuck writer, retried later. */
    private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(10);

    private final AgentSettings settings;
    private final Clock clock;
    private final Counters counters = new Counters();
    private final SpecFolder folder;
    private final DiffStore diffs;
    private final SpecEditor editor;
    private final SpecCache cache;
    private final SpecDispatcher dispatcher;
    private final List<AutoCloseable> pingSubscriptions = new ArrayList<>();
    private volatile SpecDirectoryWatcher watcher;
    private volatile NatsPingBus bus;
    private volatile boolean closed;

    private BatonAgentClient(AgentSettings settings, Clock clock, Duration lockTimeout) {
        this.settings = settings;
        this.clock = clock;
        this.folder = new SpecFolder(settings.specRoot());
        this.diffs = new DiffStore(settings.diffsRoot());
        this.editor = new SpecEditor(settings.agentId(), settings.retry(), counters, lockTimeout, this::written);
        this.cache = new SpecCache(settings.cacheTtl(), clock, this::load);
        this.dispatcher = new SpecDispatcher(settings.agentId(), folder, editor::find, counters);
    }

    /**
     * Starts watching the spec folder (created when missing) and, with a NATS URL, connects to NATS. A NATS server
     * that is down does not fail this: the client keeps reconnecting, and the poller stands in meanwhile.
     */
    public static BatonAgentClient connect(AgentSettings settings) {
        return connect(settings, Clock.systemUTC(), LOCK_TIMEOUT);
    }

    /** With the clock and the lock timeout chosen by a test. */
    static BatonAgentClient connect(AgentSettings settings, Clock clock, Duration lockTimeout) {
        Objects.requireNonNull(settings, "settings");
        BatonAgentClient client = new BatonAgentClient(settings, clock, lockTimeout);
        try {
            client.start();
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        return client;
    }

    private void start() {
        // The JDK's watch service rather than watchman: an agent should not need a daemon of its own, and the
        // poller underneath finds whatever a live source misses.
        WatchSettings watch = new WatchSettings(false, settings.fullPoll(), settings.quickCheck(), Duration.ofMillis(20), "watchman");
        watcher = SpecDirectoryWatcher.start(settings.specRoot(), watch, this::fileChanged);
        if (settings.natsUrl() != null) {
            NatsSettings nats = NatsSettings.defaults(settings.natsUrl()).withConnectionName("baton-agent-" + settings.agentId());
            bus = NatsPingBus.connect(nats, new BusEvents());
            pingSubscriptions.add(bus.subscribe(PingType.SPEC_CHANGED, this::pinged));
            pingSubscriptions.add(bus.subscribe(PingType.SPEC_COMPLETED, this::pinged));
        }
        log.info("agent {}: watching {} with {}; NATS {}; diffs go to {}", settings.agentId(), settings.specRoot(), watcher.mechanism(),
                bus == null ? "not used" : bus.describe() + " (" + bus.state().name().toLowerCase(java.util.Locale.ROOT) + ")",
                settings.diffsRoot());
    }

    public String agentId() {
        return settings.agentId();
    }

    public AgentSettings settings() {
        return settings;
    }

    /**
     * Calls {@code handler} with every spec in the folder now, then with each spec whose content changes, on this
     * client's delivery thread: one spec at a time, in order, never the same content twice. A handler may call
     * {@link #updateTask} and {@link #submitDiff}; its own writes come back to it as new content. A handler that
     * throws is logged and counted, and delivery goes on.
     *
     * @return closing it ends the subscription
     */
    public AutoCloseable subscribe(Consumer<SpecView> handler) {
        return dispatcher.subscribe(handler);
    }

    /**
     * The spec as it is now, or as it was read less than the cache TTL ago and not announced as changed since.
     *
     * @throws BatonException.NotFound no such spec
     */
    public SpecView read(String specId) {
        return cache.get(specId);
    }

    /**
     * Sets fields of one task (null removes a field), merged with whatever other writers changed meanwhile; on
     * success, other agents are pinged at once. A status only moves forward (pending, in-progress, finished).
     *
     * @throws BatonException.NotFound  no such spec or task
     * @throws BatonException.Conflict  another writer changed a field this change needs; its problems name both values
     * @throws BatonException.Transient the file stayed locked, or unreadable, through every retry
     */
    public UpdateOutcome updateTask(String specId, String taskId, Map<TaskField, String> newValues) {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(newValues, "newValues");
        if (newValues.isEmpty()) throw new BatonException.Invalid("sdk.nothing-to-update", "no field to set on task " + taskId);
        requireOpen();
        Path file = folder.require(specId);
        UpdateOutcome outcome = editor.updateTask(file, taskId, newValues);
        log.debug("agent {}: spec {} task {}: {} → {}", agentId(), specId, taskId, newValues,
                outcome.written() ? "version " + outcome.spec().version() : "nothing to change");
        return outcome;
    }

    /**
     * Keeps {@code diffFile} under the diffs root and lists it in the spec's {@code submissions} (pending), where
     * the git manager picks it up and records the outcome.
     *
     * @throws BatonException.NotFound no such spec or task
     * @throws BatonException.Invalid  no such diff file, or too large
     */
    public UpdateOutcome submitDiff(String specId, String taskId, Path diffFile) {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(diffFile, "diffFile");
        requireOpen();
        Path file = folder.require(specId);
        SpecView spec = SpecView.of(editor.read(file));
        if (spec.task(taskId).isEmpty()) {
            throw new BatonException.NotFound("spec.task-not-found", "spec " + specId + " has no task '" + taskId + "'");
        }
        String path = diffs.keep(specId, taskId, diffFile);
        UpdateOutcome outcome = editor.addSubmission(file, taskId, path, clock.instant());
        counters.submissions.increment();
        log.info("agent {}: spec {} task {}: submitted diff {}", agentId(), specId, taskId, path);
        return outcome;
    }

    /** The NATS connection's state; empty when the client runs without NATS. */
    public Optional<BusState> busState() {
        NatsPingBus b = bus;
        return b == null ? Optional.empty() : Optional.of(b.state());
    }

    public ClientStats stats() {
        return counters.snapshot(cache.hits());
    }

    private SpecView load(String specId) {
        counters.specReads.increment();
        return SpecView.of(editor.read(folder.require(specId)));
    }

    /** After each write of this client, outside the file's lock. */
    private void written(SpecSnapshot s) {
        cache.invalidate(s.specId());
        dispatcher.offer(SpecDispatcher.Notice.ping(s.specId(), s.file().toString(), s.version(), s.sha256()));
        NatsPingBus b = bus;
        if (b != null) {
            b.publish(Ping.specChanged(s.specId(), s.file().toString(), s.version(), s.sha256(), clock.instant()));
            counters.pingsPublished.increment();
        }
    }

    private void pinged(Ping ping) {
        counters.pingsReceived.increment();
        if (ping.specId() == null) return;
        cache.invalidate(ping.specId());
        // spec.completed needs nothing more: a removed file is reported by the watcher.
        if (ping.type() == PingType.SPEC_CHANGED) {
            dispatcher.offer(SpecDispatcher.Notice.ping(ping.specId(), ping.path(), ping.version(), ping.sha256()));
        }
    }

    private void fileChanged(SpecFileChange change) {
        counters.fileEvents.increment();
        String specId = SpecFolder.specIdOf(change.file());
        cache.invalidate(specId);
        dispatcher.offer(SpecDispatcher.Notice.file(specId, change.file(), change.exists()));
    }

    private void requireOpen() {
        if (closed) throw new BatonException.Conflict("sdk.client-closed", "agent " + agentId() + ": the client is closed");
    }

    /** NATS connection news: after a reconnect, whatever changed while pings could not arrive is looked for now. */
    private final class BusEvents implements PingBusListener {
        @Override
        public void connectionEvent(String event) {
            if (!"RECONNECTED".equals(event)) return;
            log.info("agent {}: NATS is back; comparing every spec file with what was delivered", agentId());
            // Not on jnats' callback thread: the rescan waits for the poller thread.
            Thread.ofVirtual().name("baton-agent-rescan").start(() -> {
                SpecDirectoryWatcher w = watcher;
                if (w != null && !closed) w.rescan();
            });
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (AutoCloseable s : pingSubscriptions) closeQuietly(s);
        if (bus != null) bus.close();
        if (watcher != null) watcher.close();
        dispatcher.close();
        log.info("agent {}: closed ({})", agentId(), stats());
    }

    private void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.debug("agent {}: closing a ping subscription: {}", agentId(), e.toString());
        }
    }
}
