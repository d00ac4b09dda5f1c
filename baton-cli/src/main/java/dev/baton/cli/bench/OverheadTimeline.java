package dev.baton.cli.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the moments a run went through (events seen on the bus, agent calls seen by {@link TimingAgentLauncher})
 * into per-task timings, and from them the orchestration overhead of each task:
 *
 * <pre>
 *   overhead(task) = (end(task) − end(previous task of the work)) − agent time(task)
 * </pre>
 *
 * where the end of a task is its ReportGenerated event, the first task of a work is measured from the work's
 * WorkStarted, and the agent time is the wall time of the {@code AgentSession.query} call (process start, run
 * and exit of the agent). Marks of several workflows may be interleaved; those of one workflow must be in the
 * order they happened (they are, since one thread runs a workflow and the bus calls handlers on it).
 */
public final class OverheadTimeline {

    /** What happened. */
    public enum Kind {
        WORK_STARTED, QUERY_SENT, AGENT_CALLED, AGENT_RETURNED, QUERY_RESPONDED, REPORT_GENERATED, CHECKPOINT_CREATED
    }

    /**
     * One moment of a run.
     *
     * @param taskId null for work-level marks (WORK_STARTED, CHECKPOINT_CREATED)
     * @param nanos  {@link System#nanoTime()} when it was seen
     */
    public record Mark(Kind kind, String workflowId, String workId, String taskId, long nanos) {
    }

    /**
     * The moments of one task, in nanoTime. {@code from} is the end of the previous task of the same work, or
     * the work's WorkStarted for the first task ({@code firstOfWork}).
     */
    public record TaskTiming(String workflowId, String workId, String taskId, boolean firstOfWork, long from, long querySent,
                             long agentCalled, long agentReturned, long queryResponded, long reportGenerated) {

        /** From the previous task's end (or WorkStarted) to this task's ReportGenerated. */
        public long intervalNanos() {
            return reportGenerated - from;
        }

        /** The agent's own time: the {@code query()} call. */
        public long agentNanos() {
            return agentReturned - agentCalled;
        }

        /** Everything else: the orchestration cost of the task. */
        public long overheadNanos() {
            return intervalNanos() - agentNanos();
        }

        /** Previous task saved COMPLETED, this one saved IN_PROGRESS, QuerySent recorded (plus the work's set-up for a first task). */
        public long beforeQueryNanos() {
            return querySent - from;
        }

        /** QuerySent published → agent called. */
        public long dispatchNanos() {
            return agentCalled - querySent;
        }

        /** Agent returned → QueryResponded recorded (metrics, event log, log line). */
        public long respondNanos() {
            return queryResponded - agentReturned;
        }

        /** QueryResponded → ReportGenerated: git staging of every worktree, report file, report row, event. */
        public long reportNanos() {
            return reportGenerated - queryResponded;
        }
    }

    /**
     * The time from a work's last ReportGenerated to its CheckpointCreated (commit per repository, rows, the
     * WorkCompleted event): time that belongs to no task.
     */
    public record WorkBoundary(String workflowId, String workId, long lastReport, long checkpointCreated) {
        public long checkpointNanos() {
            return checkpointCreated - lastReport;
        }
    }

    /** The timings of the tasks that have every mark; {@code incomplete} counts tasks with some mark missing. */
    public record Result(List<TaskTiming> tasks, List<WorkBoundary> boundaries, int incomplete) {

        public List<TaskTiming> firstOfWork() {
            return tasks.stream().filter(TaskTiming::firstOfWork).toList();
        }

        public List<TaskTiming> notFirstOfWork() {
            return tasks.stream().filter(t -> !t.firstOfWork()).toList();
        }
    }

    private OverheadTimeline() {
    }

    public static Result build(List<Mark> marks) {
        Map<String, WorkflowState> byWorkflow = new HashMap<>();
        List<TaskTiming> tasks = new ArrayList<>();
        List<WorkBoundary> boundaries = new ArrayList<>();
        int incomplete = 0;
        for (Mark m : marks) {
            WorkflowState s = byWorkflow.computeIfAbsent(m.workflowId(), k -> new WorkflowState());
            switch (m.kind()) {
                case WORK_STARTED -> {
                    s.workId = m.workId();
                    s.lastEnd = m.nanos();
                    s.first = true;
                    incomplete += s.open.size();
                    s.open.clear();
                }
                case REPORT_GENERATED -> {
                    long[] t = s.open.remove(m.taskId());
                    if (t == null || s.lastEnd == Long.MIN_VALUE || !m.workId().equals(s.workId) || hasGap(t)) {
                        incomplete++;
                    } else {
                        tasks.add(new TaskTiming(m.workflowId(), m.workId(), m.taskId(), s.first, s.lastEnd,
                                t[0], t[1], t[2], t[3], m.nanos()));
                    }
                    s.lastEnd = m.nanos();
                    s.first = false;
                }
                case CHECKPOINT_CREATED -> {
                    if (m.workId().equals(s.workId) && !s.first && s.lastEnd != Long.MIN_VALUE) {
                        boundaries.add(new WorkBoundary(m.workflowId(), m.workId(), s.lastEnd, m.nanos()));
                    }
                    s.lastEnd = Long.MIN_VALUE;
                }
                case QUERY_SENT -> slot(s, m)[0] = m.nanos();
                case AGENT_CALLED -> slot(s, m)[1] = m.nanos();
                case AGENT_RETURNED -> slot(s, m)[2] = m.nanos();
                case QUERY_RESPONDED -> slot(s, m)[3] = m.nanos();
            }
        }
        for (WorkflowState s : byWorkflow.values()) incomplete += s.open.size();
        return new Result(List.copyOf(tasks), List.copyOf(boundaries), incomplete);
    }

    private static long[] slot(WorkflowState s, Mark m) {
        return s.open.computeIfAbsent(m.taskId(), k -> new long[]{Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE});
    }

    private static boolean hasGap(long[] t) {
        for (long v : t) if (v == Long.MIN_VALUE) return true;
        return false;
    }

    private static final class WorkflowState {
        String workId;
        long lastEnd = Long.MIN_VALUE;
        boolean first;
        final Map<String, long[]> open = new LinkedHashMap<>();
    }
}
