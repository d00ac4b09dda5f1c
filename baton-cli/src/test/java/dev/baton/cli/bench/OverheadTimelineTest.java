package dev.baton.cli.bench;

import dev.baton.cli.bench.OverheadTimeline.Kind;
import dev.baton.cli.bench.OverheadTimeline.Mark;
import dev.baton.cli.bench.OverheadTimeline.TaskTiming;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Overhead from a synthetic timeline, in nanoseconds chosen to be easy to check by hand. */
class OverheadTimelineTest {

    private final List<Mark> marks = new ArrayList<>();

    @Test
    void overheadIsTheTimeBetweenTaskEndsMinusTheAgentTime() {
        work("wf", "wk-1", 1_000);
        // task 1: measured from WorkStarted (1000) to its ReportGenerated (1500); agent 1100..1400 = 300
        task("wf", "wk-1", "t1", 1_050, 1_100, 1_400, 1_420, 1_500);
        // task 2: from 1500 to 2000; agent 1600..1900 = 300
        task("wf", "wk-1", "t2", 1_550, 1_600, 1_900, 1_910, 2_000);
        checkpoint("wf", "wk-1", 2_300);
        work("wf", "wk-2", 2_400);
        // first task of the second work: from its WorkStarted (2400), not from the checkpoint
        task("wf", "wk-2", "t3", 2_500, 2_510, 2_610, 2_620, 2_700);

        OverheadTimeline.Result r = OverheadTimeline.build(marks);

        assertThat(r.incomplete()).isZero();
        assertThat(r.tasks()).extracting(TaskTiming::taskId).containsExactly("t1", "t2", "t3");
        assertThat(r.tasks()).extracting(TaskTiming::overheadNanos).containsExactly(200L, 200L, 200L);
        assertThat(r.tasks()).extracting(TaskTiming::agentNanos).containsExactly(300L, 300L, 100L);
        assertThat(r.tasks()).extracting(TaskTiming::firstOfWork).containsExactly(true, false, true);
        assertThat(r.notFirstOfWork()).extracting(TaskTiming::taskId).containsExactly("t2");
        assertThat(r.boundaries()).singleElement().satisfies(b -> assertThat(b.checkpointNanos()).isEqualTo(300));
    }

    @Test
    void theStepsOfATaskAddUpToItsOverhead() {
        work("wf", "wk-1", 0);
        task("wf", "wk-1", "t1", 10, 12, 112, 120, 150);

        TaskTiming t = OverheadTimeline.build(marks).tasks().getFirst();

        assertThat(t.beforeQueryNanos()).isEqualTo(10);
        assertThat(t.dispatchNanos()).isEqualTo(2);
        assertThat(t.respondNanos()).isEqualTo(8);
        assertThat(t.reportNanos()).isEqualTo(30);
        assertThat(t.beforeQueryNanos() + t.dispatchNanos() + t.respondNanos() + t.reportNanos()).isEqualTo(t.overheadNanos());
    }

    @Test
    void interleavedWorkflowsAreMeasuredEachAgainstItsOwnPreviousTask() {
        marks.add(new Mark(Kind.WORK_STARTED, "a", "w", null, 0));
        marks.add(new Mark(Kind.WORK_STARTED, "b", "w", null, 5));
        marks.add(new Mark(Kind.QUERY_SENT, "a", "w", "t", 10));
        marks.add(new Mark(Kind.QUERY_SENT, "b", "w", "t", 11));
        marks.add(new Mark(Kind.AGENT_CALLED, "a", "w", "t", 20));
        marks.add(new Mark(Kind.AGENT_CALLED, "b", "w", "t", 21));
        marks.add(new Mark(Kind.AGENT_RETURNED, "b", "w", "t", 60));
        marks.add(new Mark(Kind.AGENT_RETURNED, "a", "w", "t", 70));
        marks.add(new Mark(Kind.QUERY_RESPONDED, "b", "w", "t", 61));
        marks.add(new Mark(Kind.QUERY_RESPONDED, "a", "w", "t", 71));
        marks.add(new Mark(Kind.REPORT_GENERATED, "b", "w", "t", 65));
        marks.add(new Mark(Kind.REPORT_GENERATED, "a", "w", "t", 80));

        OverheadTimeline.Result r = OverheadTimeline.build(marks);

        assertThat(r.tasks()).extracting(TaskTiming::workflowId).containsExactly("b", "a");
        assertThat(r.tasks()).extracting(TaskTiming::overheadNanos).containsExactly(60L - 39L, 80L - 50L);
    }

    @Test
    void aTaskWithoutAgentMarksIsLeftOutAndCountedButStillEndsItsInterval() {
        work("wf", "wk-1", 0);
        marks.add(new Mark(Kind.QUERY_SENT, "wf", "wk-1", "t1", 10));
        marks.add(new Mark(Kind.REPORT_GENERATED, "wf", "wk-1", "t1", 100)); // no agent marks
        task("wf", "wk-1", "t2", 110, 120, 220, 230, 250);
        marks.add(new Mark(Kind.QUERY_SENT, "wf", "wk-1", "t3", 260)); // never ended

        OverheadTimeline.Result r = OverheadTimeline.build(marks);

        assertThat(r.incomplete()).isEqualTo(2);
        assertThat(r.tasks()).singleElement().satisfies(t -> {
            assertThat(t.taskId()).isEqualTo("t2");
            assertThat(t.firstOfWork()).isFalse();
            assertThat(t.overheadNanos()).isEqualTo(150 - 100);
        });
    }

    private void work(String wf, String work, long at) {
        marks.add(new Mark(Kind.WORK_STARTED, wf, work, null, at));
    }

    private void checkpoint(String wf, String work, long at) {
        marks.add(new Mark(Kind.CHECKPOINT_CREATED, wf, work, null, at));
    }

    private void task(String wf, String work, String task, long sent, long called, long returned, long responded, long report) {
        marks.add(new Mark(Kind.QUERY_SENT, wf, work, task, sent));
        marks.add(new Mark(Kind.AGENT_CALLED, wf, work, task, called));
        marks.add(new Mark(Kind.AGENT_RETURNED, wf, work, task, returned));
        marks.add(new Mark(Kind.QUERY_RESPONDED, wf, work, task, responded));
        marks.add(new Mark(Kind.REPORT_GENERATED, wf, work, task, report));
    }
}
