package dev.baton.dispatch;

import dev.baton.agent.AgentLauncher;
import dev.baton.agent.AgentSession;
import dev.baton.agent.AgentStart;
import dev.baton.git.GitCli;
import dev.baton.git.WorktreeTransfer;
import dev.baton.grpc.v1.StartAgent;
import dev.baton.shared.Ids;
import dev.baton.worker.AgentMessages;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The engine's agent port, served by workers: {@link #start} places the agent on the least loaded worker
 * that accepts it (waiting up to the start timeout for one) and returns a session whose queries run there.
 * Like the local launcher it never throws for a missing or failing agent: the session's queries answer
 * START_FAILED with the reason ("no worker connected", the worker's own error).
 */
public final class RemoteAgentLauncher implements AgentLauncher {
    static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofMinutes(30);
    static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

    private final WorkerRegistry registry;
    private final RemoteSessions sessions;
    private final DispatchSettings settings;
    private final DispatchMetrics metrics;
    private final WorkspaceOffer workspaces;

    public RemoteAgentLauncher(WorkerRegistry registry, RemoteSessions sessions, DispatchSettings settings, DispatchMetrics metrics,
                               WorktreeTransfer transfer) {
        this.registry = registry;
        this.sessions = sessions;
        this.settings = settings;
        this.metrics = metrics;
        this.workspaces = new WorkspaceOffer(transfer);
    }

    public RemoteAgentLauncher(WorkerRegistry registry, RemoteSessions sessions, DispatchSettings settings, DispatchMetrics metrics) {
        this(registry, sessions, settings, metrics, new WorktreeTransfer(new GitCli(Duration.ofMinutes(2))));
    }

    @Override
    public AgentSession start(AgentStart start) {
        Objects.requireNonNull(start, "start");
        Duration startTimeout = firstOf(start.startTimeout(), start.profile().startTimeout(), DEFAULT_START_TIMEOUT);
        Duration queryTimeout = firstOf(start.queryTimeout(), start.profile().queryTimeout(), DEFAULT_QUERY_TIMEOUT);
        Duration stopTimeout = firstOf(start.stopTimeout(), null, DEFAULT_STOP_TIMEOUT);
        Map<String, String> env = start.env();
        String id = Ids.next("as");
        StartAgent.Builder m = StartAgent.newBuilder().setSessionId(id)
                .setWorkflowId(env.getOrDefault("BATON_WORKFLOW_ID", ""))
                .setWorkId(env.getOrDefault("BATON_WORK_ID", ""))
                .setCorrelationId(env.getOrDefault("BATON_CORRELATION_ID", ""))
                .setProfile(AgentMessages.toProto(start.profile()))
                .setWorkspace(start.workspace().toAbsolutePath().toString())
                .putAllEnv(env)
                .setStartTimeoutMs(startTimeout.toMillis())
                .setQueryTimeoutMs(queryTimeout.toMillis())
                .setStopTimeoutMs(stopTimeout.toMillis())
                .addAllRepositories(WorkspaceOffer.repositories(start.workspace()));
        if (start.model() != null) m.setModel(start.model());
        RemoteAgentSession session = new RemoteAgentSession(id, m.build(),
                new RemoteAgentSession.Timeouts(startTimeout, queryTimeout, stopTimeout, settings.resultMargin()), registry, sessions, metrics, workspaces);
        sessions.add(session);
        try {
            session.place();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            session.stop();
        }
        return session;
    }

    private static Duration firstOf(Duration first, Duration second, Duration fallback) {
        return first != null ? first : second != null ? second : fallback;
    }
}
