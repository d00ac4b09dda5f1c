package dev.baton.engine;

import dev.baton.agent.AgentLauncher;
import dev.baton.agent.profile.AgentProfiles;
import dev.baton.git.GitCli;
import dev.baton.workflow.WorkflowRepository;

import java.time.Clock;
import java.util.concurrent.Semaphore;

/** What a run needs, handed over in one piece. */
record EngineContext(WorkflowRepository repository, EventRecorder events, WorkflowTransitions transitions,
                     WorkspacePreparer workspaces, ReportWriter reports, GitCli git, AgentLauncher launcher,
                     AgentProfiles profiles, EngineSettings settings, DataLayout layout, Clock clock,
                     EngineMetrics metrics, Semaphore agentSlots, SpecFiles specFiles, OutsideTasks outside,
                     EngineTracing tracing, WorkMcpConfig mcp) {
}
