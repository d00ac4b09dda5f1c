package dev.baton.logs.store;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.baton.logs.store.LogFixtures.T0;
import static dev.baton.logs.store.LogFixtures.batch;
import static dev.baton.logs.store.LogFixtures.line;
import static dev.baton.logs.store.LogFixtures.readAll;
import static org.assertj.core.api.Assertions.assertThat;

/** Holes in a worker stream's sequences become gap records, on real files, exactly once, also across a store crash. */
class SequenceHoleTest {
    @TempDir
    Path dir;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private LogStore open() throws Exception {
        return LogStore.open(dir, LogStoreSettings.defaults(), Clock.systemUTC(), meters);
    }

    private double gapLines() {
        return meters.get("log.store.gap.lines").tag("origin", "server").counter().count();
    }

    private double gapRecords() {
        return meters.get("log.store.gap.records").tag("origin", "server").counter().count();
    }

    @Test
    void aHoleInsideABatchIsRecordedOnceInOrderInTheLogOfTheLineBeforeIt() throws Exception {
        try (LogStore store = open()) {
            store.append(batch("w1", "s1", "wf-a", 1, 10)).get();
            List<NewLine> lines = new ArrayList<>(batch("w1", "s1", "wf-a", 11, 12).lines());
            lines.addAll(batch("w1", "s1", "wf-b", 20, 21).lines());
            assertThat(store.append(new AppendBatch("w1", "s1", lines)).get()).isEqualTo(21);

            List<LogLine> a = readAll(store, "wf-a", LogQuery.all());
            assertThat(a).hasSize(13);
            LogLine gap = a.getLast();
            assertThat(gap.gap()).isEqualTo(new LogLine.Gap(7, 0));
            assertThat(gap.message()).contains("7 lines (sequences 13..19 of stream s1) of worker w1 never arrived");
            assertThat(gap.metadata()).containsEntry("gap_origin", "server").containsEntry("gap_first_sequence", "13")
                    .containsEntry("gap_last_sequence", "19").containsEntry("pod_name", "worker-0");
            assertThat(gap.level()).isEqualTo(LogLevel.WARN);
            assertThat(gap.source()).isEqualTo(LogSource.WORKER);
            assertThat(gap.timestamp()).as("just before the line that revealed it").isEqualTo(Records.instant(T0 + 20 * 1_000_000L));
            assertThat(readAll(store, "wf-b", LogQuery.all())).extracting(LogLine::message).containsExactly("line 20 of wf-b", "line 21 of wf-b");
            assertThat(gapLines()).isEqualTo(7);
            assertThat(gapRecords()).isEqualTo(1);
        }
    }

    @Test
    void aWorkersGapEntryAccountsForTheLinesItDroppedAndOnlyTheRestIsAHole() throws Exception {
        try (LogStore store = open()) {
            store.append(batch("w1", "s1", "wf-a", 1, 5)).get();
            store.append(new AppendBatch("w1", "s1", List.of(workerGap(10, 5)))).get(); // 6..10 dropped by the worker: no hole
            assertThat(gapRecords()).isZero();

            store.append(new AppendBatch("w1", "s1", List.of(workerGap(20, 4), line("wf-a", 21)))).get(); // 17..20 dropped, 11..16 lost
            List<LogLine> a = readAll(store, "wf-a", LogQuery.all());
            assertThat(a).extracting(l -> l.gap() == null ? l.message() : "gap " + l.gap().droppedLines())
                    .containsExactly("line 1 of wf-a", "line 2 of wf-a", "line 3 of wf-a", "line 4 of wf-a", "line 5 of wf-a",
                            "gap 5", "gap 6", "gap 4", "line 21 of wf-a");
            assertThat(a.get(6).metadata()).containsEntry("gap_first_sequence", "11").containsEntry("gap_last_sequence", "16");
            assertThat(gapLines()).isEqualTo(6);
        }
    }

    @Test
    void aReplayAfterTheStoreCrashedRecordsNoSecondGap() throws Exception {
        LogStore store = open();
        store.append(batch("w1", "s1", "wf-a", 1, 10)).get();
        store.append(batch("w1", "s1", "wf-a", 31, 40)).get();
        store.abandon(); // killed: no final checkpoint, recovery scans the records

        try (LogStore again = open()) {
            assertThat(again.highWaterMark("w1", "s1")).isEqualTo(40);
            again.append(batch("w1", "s1", "wf-a", 31, 45)).get(); // the worker resends what it was unsure of
            List<LogLine> a = readAll(again, "wf-a", LogQuery.all());
            assertThat(a).hasSize(26).filteredOn(l -> l.gap() != null).singleElement()
                    .satisfies(g -> assertThat(g.gap().droppedLines()).isEqualTo(20));
            assertThat(gapRecords()).isEqualTo(1);
        }
    }

    @Test
    void aStreamTheStoreNeverSawThatStartsLateIsMissingItsFirstLines() throws Exception {
        try (LogStore store = open()) {
            store.append(batch("w1", "fresh", "wf-a", 4, 5)).get();
            assertThat(readAll(store, "wf-a", LogQuery.all())).first()
                    .satisfies(g -> assertThat(g.gap()).isEqualTo(new LogLine.Gap(3, 0)));
        }
    }

    @Test
    void aWorkersGapThatNamesNoWorkflowIsStoredWhereTheStreamLeftOff() throws Exception {
        try (LogStore store = open()) {
            store.append(new AppendBatch("w1", "s1", List.of(workerGap(3, 3).inWorkflow("")))).get(); // nothing before it: the worker's log
            store.append(batch("w1", "s1", "wf-a", 4, 5)).get();
            store.append(new AppendBatch("w1", "s1", List.of(workerGap(9, 4).inWorkflow(""), line("wf-b", 10)))).get();

            assertThat(readAll(store, "wf-a", LogQuery.all())).extracting(l -> l.gap() == null ? l.message() : "gap " + l.gap().droppedLines())
                    .containsExactly("line 4 of wf-a", "line 5 of wf-a", "gap 4");
            assertThat(readAll(store, "wf-a", LogQuery.all()).getLast().workflowId()).isEqualTo("wf-a");
            assertThat(readAll(store, LogStore.WORKER_LOGS + "/w1", LogQuery.all())).singleElement()
                    .satisfies(g -> assertThat(g.gap().droppedLines()).isEqualTo(3));
            assertThat(readAll(store, "wf-b", LogQuery.all())).extracting(LogLine::message).containsExactly("line 10 of wf-b");
            assertThat(gapRecords()).as("the worker accounted for every dropped line").isZero();
        }
    }

    private static NewLine workerGap(long sequence, long dropped) {
        return new NewLine(sequence, T0 + sequence * 1_000_000L, "", "wf-a", LogLevel.WARN, LogSource.WORKER, "", Map.of(), false, dropped, dropped * 100);
    }
}
