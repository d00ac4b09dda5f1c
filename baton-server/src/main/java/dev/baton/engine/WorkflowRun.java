package dev.baton.engine;

import dev.baton.agent.AgentProfile;
import dev.baton.agent.AgentResult;
import dev.baton.agent.AgentSession;
import dev.baton.agent.AgentStart;
import dev.baton.shared.BatonException;
import dev.baton.workflow.Checkpoint;
import dev.baton.workflow.Report;
import dev.baton.workflow.Task;
import dev.baton.workflow.TaskStatus;
import dev.baton.workflow.Work;
import dev.baton.workflow.WorkStatus;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowEvent.QueryResponded;
import dev.baton.workflow.WorkflowEvent.QuerySent;
import dev.baton.workflow.WorkflowEvent.ReportGenerated;
import dev.baton.workflow.WorkflowEvent.TaskFailed;
import dev.baton.workflow.WorkflowEvent.WorkFailed;
import dev.baton.workflow.WorkflowEvent.WorkStarted;
import dev.baton.workflow.WorkflowStatus;
import dev.baton.engine.EngineTracing.Traced;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One execution of a workflow, on its own thread: restores the worktrees to the last valid checkpoint,
 * then runs the remaining works in sequence — agent, tasks, reports, checkpoint — until the end, a
 * failure or a stop request.
 */
@SuppressWarnings("try") // correlation scopes are opened for their effect on the MDC only
final class WorkflowRun {
    private static final Logger log = LoggerFactory.getLogger(WorkflowRun.class);
    private static final Logger agentOutput = LoggerFactory.getLogger("dev.baton.agent.output");

    private static final java.util.concurrent.Executor GIT_THREADS = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    private enum Outcome { COMPLETED, FAILED, STOPPED }

    private final EngineContext ctx;
    private final RunControl control;
    private Workflow wf;
    private Map<String, Path> worktrees;
    private final WorktreeSnapshots snapshots = new WorktreeSnapshots();
    /** Span attributes of the workflow (id, correlationId) and of the work being run (plus work.id, work.sequence). */
    private Attributes workflowAttributes = Attributes.empty();
    private Attributes workAttributes = Attributes.empty();
    /** The MCP config file of the running agent (it holds resolved secrets: deleted when the agent stops). */
    private Path mcpConfigFile;

    /** A task body: what runs inside its task.execute span. */
    private interface TaskBody {
        Outcome run() throws InterruptedException;
    }

    WorkflowRun(EngineContext ctx, RunControl control, Workflow wf) {
        this.ctx = ctx;
        this.control = control;
        this.wf = wf;
    }

    void run() {
        workflowAttributes = EngineTracing.workflow(wf.correlationId(), wf.id()).build();
        try (var ignored = Correlation.workflow(wf.correlationId(), wf.id());
             Traced span = ctx.tracing().start("workflow.execute", workflowAttributes)) {
            try {
                execute();
            } catch (Exception | LinkageError e) {
                span.fail(e);
                log.error("workflow {} failed: {}", wf.id(), e.toString(), e);
                ctx.transitions().fail(reload(), "internal error: " + e.getMessage());
            }
            if (span.span().isRecording()) {
                Workflow end = reload();
                span.set(EngineTracing.WORKFLOW_STATUS, end.status().name());
                if (end.status() == WorkflowStatus.FAILED) span.error("WorkflowFailed", end.error());
            }
        }
    }

    private void execute() throws InterruptedException {
        if (control.stopRequested()) {
            ctx.transitions().stopped(wf, control.stopReason());
            return;
        }
        if (wf.status() == WorkflowStatus.READY) wf = ctx.transitions().started(wf);
        Instant started = ctx.clock().instant();
        worktrees = ctx.workspaces().worktrees(wf);
        int from = new CheckpointPlan(ctx.repository().checkpoints(wf.id())).restore(wf, worktrees, ctx);
        worktrees.values().forEach(snapshots::baseline);
        wf = ctx.repository().require(wf.id());
        for (Work work : wf.works()) {
            if (work.sequence() < from) continue;
            if (control.stopRequested()) {
                ctx.transitions().stopped(reload(), control.stopReason());
                return;
            }
            Outcome outcome = runWork(work);
            if (outcome == Outcome.STOPPED) {
                ctx.transitions().stopped(reload(), control.stopReason());
                return;
            }
            if (outcome == Outcome.FAILED) {
                Workflow latest = reload();
                String why = latest.work(work.id()).map(Work::error).orElse("work " + work.id() + " failed");
                ctx.transitions().fail(latest, why);
                return;
            }
        }
        ctx.transitions().completed(reload(), Duration.between(wf.startedAt() == null ? started : wf.startedAt(), ctx.clock().instant()));
    }

    private Workflow reload() {
        return ctx.repository().find(wf.id()).orElse(wf);
    }

    private Outcome runWork(Work work) throws InterruptedException {
        workAttributes = workflowAttributes.toBuilder().put(EngineTracing.WORK_ID, work.id())
                .put(EngineTracing.WORK_SEQUENCE, (long) work.sequence()).build();
        Traced span = ctx.tracing().start("work.execute", workAttributes.toBuilder()
                .put(EngineTracing.AGENT_TYPE, work.agent()).build());
        try (var ignored = Correlation.work(work.id()); span) {
            Outcome o = runWorkTraced(work);
            if (o == Outcome.FAILED && span.span().isRecording()) span.error("WorkFailed", reloadWork(work).error());
            if (o == Outcome.STOPPED) span.set(EngineTracing.WORKFLOW_STATUS, "STOPPED");
            return o;
        } catch (InterruptedException | RuntimeException | Error e) {
            span.fail(e);
            throw e;
        }
    }

    private Outcome runWorkTraced(Work work) throws InterruptedException {
        {
            work = ctx.repository().save(work.started(ctx.clock().instant()));
            ctx.events().record(new WorkStarted(wf.id(), wf.correlationId(), ctx.clock().instant(), work.id(), work.sequence()));
            Path workspace = ctx.workspaces().workspace(wf, work, worktrees);
            AgentProfile profile = ctx.profiles().require(work.agent());
            Span.current().setAttribute(EngineTracing.WORK_MODEL, work.model() != null ? work.model() : profile.defaultModel());
            // Started on the first task Baton runs itself: a work whose tasks all belong to outside agents
            // needs no agent process and takes no agent slot.
            AgentSession session = null;
            try {
                for (Task task : work.tasks()) {
                    if (control.stopRequested()) return stopWork(work);
                    Outcome o;
                    if (ctx.specFiles().isOutside(task)) {
                        Work w = work;
                        o = traceTask(work, task, () -> awaitOutside(w, task));
                    } else {
                        if (session == null) session = startSession(profile, work, workspace);
                        AgentSession s = session;
                        Work w = work;
                        o = traceTask(work, task, () -> runTask(s, w, task));
                    }
                    if (o == Outcome.STOPPED) return stopWork(work);
                    if (o == Outcome.FAILED) {
                        Work w = reloadWork(work);
                        String why = "task " + task.id() + " failed: " + w.tasks().stream()
                                .filter(t -> t.id().equals(task.id())).findFirst().map(Task::error).orElse("unknown");
                        ctx.repository().save(w.finished(WorkStatus.FAILED, ctx.clock().instant(), why));
                        ctx.events().record(new WorkFailed(wf.id(), wf.correlationId(), ctx.clock().instant(), work.id(), work.sequence(), why));
                        return Outcome.FAILED;
                    }
                }
            } finally {
                if (session != null) closeSession(session);
            }
            if (control.stopRequested()) return stopWork(work);
            checkpoint(reloadWork(work));
            return Outcome.COMPLETED;
        }
    }

    private AgentSession startSession(AgentProfile profile, Work work, Path workspace) throws InterruptedException {
        ctx.agentSlots().acquire();
        ctx.metrics().runningAgents().incrementAndGet();
        long startNanos = System.nanoTime();
        Traced span = ctx.tracing().start("agent.start", workAttributes.toBuilder()
                .put(EngineTracing.AGENT_TYPE, profile.name())
                .put(EngineTracing.WORK_MODEL, work.model() != null ? work.model() : profile.defaultModel()).build());
        try (span) {
            WorkMcpConfig.Prepared mcp;
            try {
                mcp = ctx.mcp().prepare(work, workspace, workAttributes);
            } catch (BatonException.Invalid | BatonException.Transient e) {
                // Like a launcher that cannot start its process: every task of the work answers START_FAILED with the reason.
                span.error("McpConfigInvalid", e.getMessage());
                log.atWarn().addKeyValue("event", "McpConfigFailed").log("cannot start the agent of work {}: {}", work.id(), e.getMessage());
                ctx.metrics().agentStarted(Duration.ofNanos(System.nanoTime() - startNanos));
                AgentSession failed = new StartFailedSession("cannot start agent '" + profile.name() + "': " + e.getMessage());
                control.attach(failed);
                return failed;
            }
            span.set(EngineTracing.MCP_SERVER_COUNT, (long) mcp.serverCount());
            mcpConfigFile = mcp.file();
            AgentSession session = ctx.launcher().start(agentStart(profile, work, workspace, mcp.file()));
            ctx.metrics().agentStarted(Duration.ofNanos(System.nanoTime() - startNanos));
            session.pid().ifPresent(pid -> span.set(EngineTracing.AGENT_PID, pid));
            control.attach(session);
            return session;
        } catch (RuntimeException | Error e) {
            span.fail(e);
            ctx.metrics().runningAgents().decrementAndGet();
            ctx.agentSlots().release();
            throw e;
        }
    }

    private void closeSession(AgentSession session) {
        Traced span = ctx.tracing().start("agent.stop", workAttributes);
        try (span) {
            session.close();
        } catch (RuntimeException | Error e) {
            span.fail(e);
            throw e;
        } finally {
            control.detach();
            ctx.metrics().runningAgents().decrementAndGet();
            ctx.agentSlots().release();
            if (mcpConfigFile != null) WorkMcpConfig.delete(mcpConfigFile);
            mcpConfigFile = null;
        }
    }

    /** An agent that could not be set up: every query answers START_FAILED with the reason, nothing runs. */
    private record StartFailedSession(String reason) implements AgentSession {
        @Override
        public AgentResult query(String taskId, String query) {
            return new AgentResult(AgentResult.Outcome.START_FAILED, -1, "", "", Duration.ZERO, reason);
        }

        @Override
        public void stop() {
        }

        @Override
        public java.util.OptionalLong pid() {
            return java.util.OptionalLong.empty();
        }
    }

    /** task.execute: the span around one task, ERROR when the task failed. */
    private Outcome traceTask(Work work, Task task, TaskBody body) throws InterruptedException {
        Traced span = ctx.tracing().start("task.execute", taskAttributes(task).toBuilder()
                .put(EngineTracing.AGENT_TYPE, task.assignedTo() != null ? task.assignedTo() : work.agent()).build());
        try (span) {
            Outcome o = body.run();
            if (o == Outcome.FAILED && span.span().isRecording()) span.error("TaskFailed", reloadTask(work, task).error());
            if (o == Outcome.STOPPED) span.set(EngineTracing.WORKFLOW_STATUS, "STOPPED");
            return o;
        } catch (InterruptedException | RuntimeException | Error e) {
            span.fail(e);
            throw e;
        }
    }

    private Attributes taskAttributes(Task task) {
        return workAttributes.toBuilder().put(EngineTracing.TASK_ID, task.id()).put(EngineTracing.TASK_ORDER, (long) task.order()).build();
    }

    /**
     * A task an outside agent carries out: Baton only waits — with the query timeout, as for its own agents —
     * until the spec file says the task is finished, then reports and moves on like after any other task.
     */
    private Outcome awaitOutside(Work work, Task task) throws InterruptedException {
        try (var ignored = Correlation.task(task.id()); OutsideTasks.Waiter waiter = ctx.outside().open(wf.id(), task.id())) {
            Duration timeout = ctx.settings().agentQueryTimeout();
            long started = System.nanoTime();
            long deadline = started + timeout.toNanos();
            TaskStatus status = reloadTask(work, task).status();
            log.atInfo().addKeyValue("event", "OutsideTaskWaiting")
                    .log("task {} is assigned to outside agent {}; waiting for the spec file to say it is done", task.id(), task.assignedTo());
            while (status == TaskStatus.PENDING || status == TaskStatus.IN_PROGRESS) {
                if (control.stopRequested()) return Outcome.STOPPED;
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    String why = "outside agent " + task.assignedTo() + " did not finish within " + timeout.toMillis() + " ms";
                    Task t = reloadTask(work, task);
                    if (t.status() == TaskStatus.PENDING) t = t.started(ctx.clock().instant());
                    ctx.repository().save(t.finished(TaskStatus.FAILED, ctx.clock().instant(), null, why));
                    ctx.events().record(new TaskFailed(wf.id(), wf.correlationId(), ctx.clock().instant(), work.id(), t.id(), why));
                    return Outcome.FAILED;
                }
                TaskStatus next = waiter.next(Math.min(200, Math.max(1, left / 1_000_000)));
                if (next != null) status = next;
            }
            Task done = reloadTask(work, task);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            AgentResult r = new AgentResult(status == TaskStatus.COMPLETED ? AgentResult.Outcome.SUCCEEDED : AgentResult.Outcome.FAILED,
                    status == TaskStatus.COMPLETED ? 0 : 1, "(carried out by outside agent " + task.assignedTo() + "; see the spec file)",
                    "", took, status == TaskStatus.COMPLETED ? null : "outside agent " + task.assignedTo() + " set the task to " + status.word());
            try (Traced span = ctx.tracing().start("report.generate", taskAttributes(task))) {
                Map<String, List<String>> changed = new LinkedHashMap<>();
                worktrees.forEach((repo, dir) -> changed.put(repo, snapshots.mayHaveChanged(dir) ? stage(repo, dir) : List.of()));
                Path file = ctx.reports().write(wf, work, done, r, changed);
                Report report = ctx.repository().addReport(new Report(dev.baton.shared.Ids.next("rp"), wf.id(), work.id(), done.id(),
                        ctx.layout().dataDir().relativize(file).toString(), ctx.clock().instant()));
                span.set(EngineTracing.REPORT_ID, report.id());
                ctx.events().record(new ReportGenerated(wf.id(), wf.correlationId(), ctx.clock().instant(), work.id(), done.id(), report.id(), report.path()));
            }
            if (status == TaskStatus.COMPLETED) return Outcome.COMPLETED;
            if (status == TaskStatus.CANCELLED) return Outcome.FAILED;
            ctx.events().record(new TaskFailed(wf.id(), wf.correlationId(), ctx.clock().instant(), work.id(), done.id(), r.error()));
            return Outcome.FAILED;
        }
    }

    private Task reloadTask(Work work, Task task) {
        return reloadWork(work).tasks().stream().filter(t -> t.id().equals(task.id())).findFirst().orElse(task);
    }

    private AgentStart agentStart(AgentProfile profile, Work work, Path workspace, Path mcpConfig) {
        EngineSettings s = ctx.settings();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BATON_WORKFLOW_ID", wf.id());
        env.put("BATON_WORK_ID", work.id());
        env.put("BATON_CORRELATION_ID", wf.correlationId());
        env.put("BATON_WORKSPACE", workspace.toString());
        env.put("BATON_REPORTS_DIR", ctx.layout().reportsDir(wf.id()).toString());
        env.put(AgentStart.MCP_CONFIG_ENV, mcpConfig.toString());
        String model = work.model() != null ? work.model() : profile.defaultModel();
        // What the agent process gets on top of Baton's environment (as Launch merges it). Logged under
        // "env" so that the log formatter shows the variable names and masks every value.
        Map<String, String> agentEnv = new LinkedHashMap<>(profile.env());
        agentEnv.putAll(env);
        log.atDebug().addKeyValue("event", "AgentStarting").addKeyValue("agent", profile.name()).addKeyValue("env", agentEnv)
                .log("starting agent '{}' for {}", profile.name(), work.id());
        return new AgentStart(profile, workspace, model, env,
                profile.startTimeout() != null ? profile.startTimeout() : s.agentStartTimeout(),
                profile.queryTimeout() != null ? profile.queryTimeout() : s.agentQueryTimeout(),
                s.agentStopTimeout(),
                (taskId, source, line) -> agentOutput.debug("[{}] {}: {}", taskId, source, line));
    }

    private Outcome runTask(AgentSession session, Work work, Task task) throws InterruptedException {
        try (var ignored = Correlation.task(task.id())) {
            Attributes attributes = taskAttributes(task);
            Task t;
            try (Traced span = ctx.tracing().start("query.send", attributes)) {
                span.set(EngineTracing.QUERY_LENGTH, (long) task.query().length());
                t = ctx.repository().save(task.started(ctx.clock().instant()));
                ctx.events().record(new QuerySent(wf.id(), wf.correlationId(), ctx.clock().instant(), work.id(), t.id(), t.query().length()));
                // The query text may hold anything the spec author wrote: only DEBUG lines carry it whole,
                // the formatter cuts a "query" value to its length on INFO and above (QuerySent has the length).
                log.atDebug().addKeyValue("event", "QueryText").addKeyValue("query", t.query()).log("query of task {}", t.id());
            }
            AgentResult r;
            Traced waiting = ctx.tracing().start("query.wait_response", attributes);
            try (waiting) {
                r = session.query(t.id(), t.query());
                waiting.set(EngineTracing.QUERY_OUTCOME, r.outcome().name());
                waiting.set(EngineTracing.QUERY_EXIT_CODE, (long) r.exitCode());
                if (!r.succeeded() && r.outcome() != AgentResult.Outcome.STOPPED) waiting.error("AgentError", describeFailure(r));
            } catch (InterruptedException | RuntimeException | Error e) {
                waiting.fail(e);
                throw e;
            }
            if (r.outcome() == AgentResult.Outcome.STOPPED || control.stopRequested()) return Outcome.STOPPED;
            Traced reporting = ctx.tracing().start("report.generate", attributes);
            try (reporting) {
                return answer(work, t, r, reporting);
            } catch (RuntimeException | Error e) {
                reporting.fail(e);
                throw e;
            }
        }
    }

    /** Records an agent's answer: staging, the report, the task's end. */
    private Outcome answer(Work work, Task t, AgentResult r, Traced reporting) {
        {
            // Staging (one git process per repository) runs while the answer is recorded: it is the
            // largest part of the per-task overhead, and nothing else touches the worktrees meanwhile.
            Map<String, CompletableFuture<List<String>>> staging = new LinkedHashMap<>();
            worktrees.forEach((repo, dir) -> staging.put(repo, snapshots.mayHaveChanged(dir)
                    ? CompletableFuture.supplyAsync(() -> stage(repo, dir), GIT_THREADS)
                    : CompletableFuture.completedFuture(List.of())));
            ctx.metrics().query(r.duration(), r.succeeded());
            ctx.events().record(new QueryResponded(wf.id(), wf.correlationId(), ctx.clock().instant(), work.id(), t.id(), r.exitCode(), r.duration().toMillis()));
            Map<String, List<String>> changed = new LinkedHashMap<>();
            for (var e : staging.entrySet()) changed.put(e.getKey(), joinStaging(e.getValue()));
            Path file = ctx.reports().write(wf, work, t, r, changed);
            Report report = ctx.repository().addReport(new Report(dev.baton.shared.Ids.next("rp"), wf.id(), work.id(), t.id(),
                    ctx.layout().dataDir().relativize(file).toString(), ctx.clock().instant()));
            reporting.set(EngineTracing.REPORT_ID, report.id());
            ctx.events().record(new ReportGenerated(wf.id(), wf.correlationId(), ctx.clock().instant(), work.id(), t.id(), report.id(), report.path()));
            if (r.succeeded()) {
                ctx.repository().save(t.finished(TaskStatus.COMPLETED, ctx.clock().instant(), r.exitCode(), null));
                return Outcome.COMPLETED;
            }
            String why = describeFailure(r);
            ctx.repository().save(t.finished(TaskStatus.FAILED, ctx.clock().instant(), r.exitCode(), why));
            ctx.events().record(new TaskFailed(wf.id(), wf.correlationId(), ctx.clock().instant(), work.id(), t.id(), why));
            return Outcome.FAILED;
        }
    }

    /** Git work in a worktree takes the repository's turn, so a diff the git manager applies never interleaves. */
    private List<String> stage(String repo, Path dir) {
        return ctx.git().withRepositoryLock(repositoryOf(repo), () -> ctx.git().stageAll(dir));
    }

    private Path repositoryOf(String name) {
        return wf.repositories().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow().path();
    }

    private static List<String> joinStaging(CompletableFuture<List<String>> f) {
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw e;
        }
    }

    private static String describeFailure(AgentResult r) {
        String base = switch (r.outcome()) {
            case TIMED_OUT -> "agent did not answer within the query timeout and was killed";
            case START_FAILED -> "agent could not be started";
            default -> "agent exited with status " + r.exitCode();
        };
        if (r.error() != null && !r.error().isBlank() && !r.error().startsWith("agent exited")) base += ": " + r.error();
        String tail = r.stderrTail().strip();
        if (!tail.isEmpty()) {
            String[] lines = tail.split("\n");
            base += " (stderr: " + lines[lines.length - 1] + ")";
        }
        return base;
    }

    /** A stopped work goes back to PENDING with its tasks: resume runs it again from its checkpoint. */
    private Outcome stopWork(Work work) {
        Work w = reloadWork(work);
        boolean cancel = control.stopReason() == RunControl.StopReason.CANCEL;
        for (Task t : w.tasks()) {
            if (cancel) {
                if (t.status() == TaskStatus.PENDING || t.status() == TaskStatus.IN_PROGRESS) ctx.repository().save(t.moveTo(TaskStatus.CANCELLED));
            } else if (t.status() != TaskStatus.PENDING && !ctx.specFiles().isOutside(t)) {
                // An outside agent's progress is its own: what it finished stays finished.
                ctx.repository().save(t.reset());
            }
        }
        ctx.repository().save(cancel ? w.finished(WorkStatus.CANCELLED, ctx.clock().instant(), "cancelled") : w.reset());
        return Outcome.STOPPED;
    }

    private Work reloadWork(Work work) {
        return ctx.repository().require(wf.id()).work(work.id()).orElseThrow();
    }

    private void checkpoint(Work work) {
        Traced span = ctx.tracing().start("checkpoint.create", workAttributes);
        try (span) {
            List<String> hashes = checkpointTraced(work);
            span.set(AttributeKey.stringArrayKey("checkpoint.commit_hashes"), hashes);
        } catch (RuntimeException | Error e) {
            span.fail(e);
            throw e;
        }
    }

    private List<String> checkpointTraced(Work work) {
        Map<String, String> commits = new LinkedHashMap<>();
        List<Checkpoint> created = new ArrayList<>();
        String message = "baton: checkpoint %s (work %d of %d) [%s]".formatted(work.id(), work.sequence() + 1, wf.works().size(), wf.id());
        for (var e : worktrees.entrySet()) {
            String sha;
            Traced commit = ctx.tracing().start("git.commit", workAttributes.toBuilder().put(EngineTracing.GIT_ID, e.getKey()).build());
            try (commit) {
                sha = ctx.git().withRepositoryLock(repositoryOf(e.getKey()), () -> ctx.git().commitAll(e.getValue(), message));
                commit.set(EngineTracing.GIT_COMMIT, sha);
            } catch (RuntimeException | Error ex) {
                commit.fail(ex);
                throw ex;
            }
            commits.put(e.getKey(), sha);
            created.add(ctx.repository().addCheckpoint(new Checkpoint(dev.baton.shared.Ids.next("cp"), wf.id(), work.id(), work.sequence(),
                    e.getKey(), sha, true, ctx.clock().instant(), null)));
        }
        Work done = ctx.repository().save(work.finished(WorkStatus.COMPLETED, ctx.clock().instant(), null));
        Instant now = ctx.clock().instant();
        long ms = done.startedAt() == null ? 0 : Duration.between(done.startedAt(), now).toMillis();
        ctx.events().record(new dev.baton.workflow.WorkflowEvent.WorkCompleted(wf.id(), wf.correlationId(), now, work.id(), work.sequence(), ms));
        ctx.events().record(new dev.baton.workflow.WorkflowEvent.CheckpointCreated(wf.id(), wf.correlationId(), now, work.id(), work.sequence(), commits));
        log.debug("checkpoint of {} created: {}", work.id(), created.size());
        return List.copyOf(commits.values());
    }
}
