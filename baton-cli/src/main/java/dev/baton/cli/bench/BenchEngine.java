package dev.baton.cli.bench;

import dev.baton.agent.process.AgentProcessRegistry;
import dev.baton.agent.process.ProcessAgentLauncher;
import dev.baton.agent.profile.AgentProfileLoader;
import dev.baton.agent.profile.AgentProfiles;
import dev.baton.cli.bench.OverheadTimeline.Kind;
import dev.baton.cli.bench.OverheadTimeline.Mark;
import dev.baton.engine.DataLayout;
import dev.baton.engine.Engine;
import dev.baton.engine.EngineSettings;
import dev.baton.events.InProcessEventBus;
import dev.baton.git.GitCli;
import dev.baton.store.Database;
import dev.baton.store.DatabaseUrl;
import dev.baton.store.JdbcEventLog;
import dev.baton.store.JdbcWorkflowRepository;
import dev.baton.store.PoolSettings;
import dev.baton.workflow.WorkflowEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An engine assembled as the server assembles it (SQLite file, in-process bus, agent processes, the git CLI),
 * in a folder of its own, with the agent launcher wrapped by {@link TimingAgentLauncher} and a bus handler
 * that notes the moment of every event the overhead computation needs. One git repository, {@code bench},
 * lives under the data folder's git root.
 */
final class BenchEngine implements AutoCloseable {
    static final String REPOSITORY = "bench";

    private final Database database;
    private final Engine engine;
    private final ConcurrentLinkedQueue<Mark> marks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String[]> git = new ConcurrentLinkedQueue<>();
    private final Map<String, Terminal> terminals = new ConcurrentHashMap<>();
    private volatile CountDownLatch awaited = new CountDownLatch(0);
    private volatile boolean recordMarks = true;

    /** How a workflow's run ended, and when (nanoTime). */
    record Terminal(String type, String error, long nanos) {
    }

    BenchEngine(Path dataDir, Path projectRoot, EngineSettings settings) {
        DataLayout layout = DataLayout.under(dataDir);
        database = Database.open(DatabaseUrl.sqlite(layout.dataDir().resolve("baton.db")), PoolSettings.defaults());
        try {
            InProcessEventBus bus = new InProcessEventBus();
            bus.subscribe(this::onEvent);
            AgentProfiles profiles = new AgentProfileLoader(projectRoot).load(projectRoot.resolve("examples/agents/profiles.yaml"));
            TimingAgentLauncher launcher = new TimingAgentLauncher(
                    new ProcessAgentLauncher(new AgentProcessRegistry(layout.agentPidDir())), this::mark);
            GitCli git = new GitCli("git", Duration.ofSeconds(60), this::gitRan);
            engine = new Engine(new JdbcWorkflowRepository(database), new JdbcEventLog(database), bus, launcher, profiles,
                    git, settings, layout, Clock.systemUTC(), new SimpleMeterRegistry());
            git.init(layout.gitRoot().resolve(REPOSITORY), Map.of("README.md", "# Benchmark repository\n"), "initial");
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    Engine engine() {
        return engine;
    }

    /** Whether event and agent marks are kept (off for the concurrency runs, which need only the terminal events). */
    void recordMarks(boolean on) {
        recordMarks = on;
    }

    /** Takes the marks noted so far, in the order they were noted, and forgets them. */
    List<Mark> drainMarks() {
        List<Mark> out = new ArrayList<>();
        for (Mark m; (m = marks.poll()) != null; ) out.add(m);
        return out;
    }

    /** Prepares waiting for {@code count} more workflows to end (call before starting them). */
    void expectTerminal(int count) {
        awaited = new CountDownLatch(count);
    }

    /** Waits until the workflows announced with {@link #expectTerminal} ended; false on timeout. */
    boolean awaitTerminal(Duration timeout) throws InterruptedException {
        return awaited.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One of the awaited workflows will never end (its start failed): stop waiting for it. */
    void giveUpOne() {
        awaited.countDown();
    }

    Terminal terminal(String workflowId) {
        return terminals.get(workflowId);
    }

    Collection<Terminal> terminals() {
        return terminals.values();
    }

    /** Durations (ms) of the git commands run since the last call, by subcommand (add, commit, worktree, …). */
    Map<String, List<Double>> drainGitCommands() {
        Map<String, List<Double>> out = new java.util.TreeMap<>();
        for (String[] g; (g = git.poll()) != null; ) out.computeIfAbsent(g[0], k -> new ArrayList<>()).add(Double.parseDouble(g[1]));
        return out;
    }

    private void gitRan(String subcommand, Duration took, boolean ok) {
        if (recordMarks) git.add(new String[]{subcommand, Double.toString(took.toNanos() / 1e6)});
    }

    private void mark(Mark m) {
        if (recordMarks) marks.add(m);
    }

    private void onEvent(WorkflowEvent e) {
        long now = System.nanoTime();
        switch (e) {
            case WorkflowEvent.WorkStarted s -> mark(new Mark(Kind.WORK_STARTED, s.workflowId(), s.workId(), null, now));
            case WorkflowEvent.QuerySent s -> mark(new Mark(Kind.QUERY_SENT, s.workflowId(), s.workId(), s.taskId(), now));
            case WorkflowEvent.QueryResponded s -> mark(new Mark(Kind.QUERY_RESPONDED, s.workflowId(), s.workId(), s.taskId(), now));
            case WorkflowEvent.ReportGenerated s -> mark(new Mark(Kind.REPORT_GENERATED, s.workflowId(), s.workId(), s.taskId(), now));
            case WorkflowEvent.CheckpointCreated s -> mark(new Mark(Kind.CHECKPOINT_CREATED, s.workflowId(), s.workId(), null, now));
            case WorkflowEvent.WorkflowCompleted s -> ended(s.workflowId(), new Terminal(s.type(), null, now));
            case WorkflowEvent.WorkflowFailed s -> ended(s.workflowId(), new Terminal(s.type(), s.error(), now));
            case WorkflowEvent.WorkflowCancelled s -> ended(s.workflowId(), new Terminal(s.type(), "cancelled", now));
            case WorkflowEvent.WorkflowPaused s -> ended(s.workflowId(), new Terminal(s.type(), "paused: " + s.reason(), now));
            default -> { }
        }
    }

    private void ended(String workflowId, Terminal t) {
        if (terminals.putIfAbsent(workflowId, t) == null) {
            awaited.countDown();
        }
    }

    @Override
    public void close() {
        try {
            engine.pauseAll(Duration.ofSeconds(10));
            engine.close();
        } finally {
            database.close();
        }
    }

    /**
     * A spec of {@code works} works of {@code tasksPerWork} tasks each, all run by the {@code noop} agent on the
     * {@link #REPOSITORY bench} repository.
     */
    static String spec(String id, String name, int works, int tasksPerWork) {
        StringBuilder y = new StringBuilder(256 + works * tasksPerWork * 64);
        y.append("id: ").append(id).append('\n');
        y.append("version: 1\n");
        y.append("name: ").append(name).append('\n');
        y.append("repositories:\n  - name: app\n    path: ").append(REPOSITORY).append('\n');
        y.append("works:\n");
        for (int w = 1; w <= works; w++) {
            y.append("  - id: wk-").append(w).append('\n');
            y.append("    name: Work ").append(w).append('\n');
            y.append("    agent: noop\n");
        }
        y.append("tasks:\n");
        for (int w = 1; w <= works; w++) {
            for (int t = 1; t <= tasksPerWork; t++) {
                y.append("  - id: t-").append(w).append('-').append(t).append('\n');
                y.append("    work: wk-").append(w).append('\n');
                y.append("    query: do nothing ").append(t).append('\n');
            }
        }
        return y.toString();
    }
}
