package dev.baton.workflow;

import dev.baton.shared.BatonException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The transition tables and the records' status changes. */
class LifecycleTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static Workflow workflow(WorkflowStatus status) {
        Task task = Task.pending("t1", "wf-1", "wk-1", 0, "do it", null);
        Work work = new Work("wk-1", "wf-1", 0, "Work", "scripted", null, List.of(), WorkStatus.PENDING, List.of(task), 0, null, null, null);
        return new Workflow("wf-1", "Flow", status, "wf-1-c", List.of(new RepositoryRef("app", Path.of("/r/app"))), List.of(work),
                null, 0, T0, T0, null, null, null);
    }

    @ParameterizedTest
    @CsvSource({
            "CREATED,READY,true", "CREATED,RUNNING,false", "READY,RUNNING,true", "RUNNING,PAUSED,true", "PAUSED,RUNNING,true",
            "RUNNING,COMPLETED,true", "RUNNING,FAILED,true", "FAILED,RUNNING,true", "COMPLETED,RUNNING,false",
            "CANCELLED,RUNNING,false", "PAUSED,COMPLETED,false", "CREATED,CANCELLED,true", "COMPLETED,CANCELLED,false"})
    void workflowTransitions(WorkflowStatus from, WorkflowStatus to, boolean allowed) {
        assertThat(WorkflowStatus.TRANSITIONS.allows(from, to)).isEqualTo(allowed);
    }

    @Test
    void illegalTransitionIsAConflictNamingBothStatuses() {
        assertThatThrownBy(() -> workflow(WorkflowStatus.COMPLETED).moveTo(WorkflowStatus.RUNNING, T0))
                .isInstanceOf(BatonException.Conflict.class)
                .hasMessage("workflow wf-1 cannot go from COMPLETED to RUNNING (allowed from COMPLETED: none, it is final)")
                .extracting(e -> ((BatonException) e).code()).isEqualTo("workflow.illegal-transition");
    }

    @Test
    void runningStampsStartAndFinalStatusesStampFinish() {
        Workflow running = workflow(WorkflowStatus.READY).moveTo(WorkflowStatus.RUNNING, T0.plusSeconds(1));
        assertThat(running.startedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(running.finishedAt()).isNull();
        Workflow failed = running.failed("boom", T0.plusSeconds(5));
        assertThat(failed.status()).isEqualTo(WorkflowStatus.FAILED);
        assertThat(failed.error()).isEqualTo("boom");
        assertThat(failed.finishedAt()).isEqualTo(T0.plusSeconds(5));
        Workflow resumed = failed.moveTo(WorkflowStatus.RUNNING, T0.plusSeconds(9));
        assertThat(resumed.startedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(resumed.error()).isNull();
        assertThat(resumed.finishedAt()).isNull();
    }

    @Test
    void taskCountsAttemptsAndResetClearsTheLastRun() {
        Task t = Task.pending("t1", "wf-1", "wk-1", 0, "q", null);
        Task started = t.started(T0);
        assertThat(started.status()).isEqualTo(TaskStatus.IN_PROGRESS);
        assertThat(started.attempts()).isEqualTo(1);
        Task done = started.finished(TaskStatus.COMPLETED, T0.plusSeconds(2), 0, null);
        assertThat(done.exitCode()).isZero();
        Task again = done.reset().started(T0.plusSeconds(3));
        assertThat(again.attempts()).isEqualTo(2);
        assertThat(again.exitCode()).isNull();
        assertThatThrownBy(() -> t.finished(TaskStatus.PENDING, T0, 0, null)).isInstanceOf(BatonException.Conflict.class);
    }

    @Test
    void workResetAllowsAnotherRunAndCancelledWorkIsFinal() {
        Work w = workflow(WorkflowStatus.CREATED).works().getFirst();
        Work done = w.started(T0).finished(WorkStatus.COMPLETED, T0.plusSeconds(1), null);
        assertThat(done.reset().status()).isEqualTo(WorkStatus.PENDING);
        Work cancelled = w.finished(WorkStatus.CANCELLED, T0, "cancelled");
        assertThatThrownBy(cancelled::reset).isInstanceOf(BatonException.Conflict.class);
    }

    @Test
    void taskStatusWordsAreTheSpecFileWords() {
        assertThat(TaskStatus.fromWord("in-progress")).isEqualTo(TaskStatus.IN_PROGRESS);
        assertThat(TaskStatus.IN_PROGRESS.word()).isEqualTo("in-progress");
        assertThatThrownBy(() -> TaskStatus.fromWord("done")).isInstanceOf(BatonException.Invalid.class).hasMessageContaining("pending, in-progress");
    }

    @Test
    void worksAreKeptInSequenceOrder() {
        Workflow wf = workflow(WorkflowStatus.CREATED);
        Work second = wf.works().getFirst().withSequence(1);
        Work first = new Work("wk-0", "wf-1", 0, "Zero", "scripted", null, List.of(), WorkStatus.PENDING, List.of(), 0, null, null, null);
        assertThat(wf.withWorks(List.of(second, first)).works()).extracting(Work::id).containsExactly("wk-0", "wk-1");
    }
}
