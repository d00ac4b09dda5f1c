package dev.baton.cli.bench;

import dev.baton.agent.AgentLauncher;
import dev.baton.agent.AgentResult;
import dev.baton.agent.AgentSession;
import dev.baton.agent.AgentStart;
import dev.baton.cli.bench.OverheadTimeline.Kind;
import dev.baton.cli.bench.OverheadTimeline.Mark;

import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Decorates a launcher so that every {@link AgentSession#query} is timed with {@link System#nanoTime()}: a mark
 * just before the call and one just after it. The time in between is the agent's own time (for a oneshot
 * profile: process start, run, exit and the last output), which the benchmark subtracts from each task.
 */
final class TimingAgentLauncher implements AgentLauncher {
    private final AgentLauncher delegate;
    private final Consumer<Mark> marks;

    TimingAgentLauncher(AgentLauncher delegate, Consumer<Mark> marks) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.marks = Objects.requireNonNull(marks, "marks");
    }

    @Override
    public AgentSession start(AgentStart start) {
        AgentSession session = delegate.start(start);
        return new TimedSession(session, start.env().get("BATON_WORKFLOW_ID"), start.env().get("BATON_WORK_ID"));
    }

    private final class TimedSession implements AgentSession {
        private final AgentSession session;
        private final String workflowId;
        private final String workId;

        TimedSession(AgentSession session, String workflowId, String workId) {
            this.session = session;
            this.workflowId = workflowId;
            this.workId = workId;
        }

        @Override
        public AgentResult query(String taskId, String query) throws InterruptedException {
            long called = System.nanoTime();
            try {
                return session.query(taskId, query);
            } finally {
                long returned = System.nanoTime();
                marks.accept(new Mark(Kind.AGENT_CALLED, workflowId, workId, taskId, called));
                marks.accept(new Mark(Kind.AGENT_RETURNED, workflowId, workId, taskId, returned));
            }
        }

        @Override
        public void stop() {
            session.stop();
        }

        @Override
        public OptionalLong pid() {
            return session.pid();
        }

        @Override
        public void close() {
            session.close();
        }
    }
}
