package dev.baton.logs.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static dev.baton.logs.store.LogFixtures.T0;
import static dev.baton.logs.store.LogFixtures.batch;
import static dev.baton.logs.store.LogFixtures.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Appends and reads on real files: offsets, every field, filters, index seeks across rolled segments, de-duplication. */
class LogStoreTest {
    @TempDir
    Path dir;

    @Test
    void storesEveryFieldAndNumbersLinesPerWorkflowFromOne() throws Exception {
        try (LogStore store = LogFixtures.open(dir, LogStoreSettings.defaults())) {
            NewLine gap = new NewLine(3, T0 + 5, "", "wf-a", LogLevel.WARN, LogSource.WORKER, "", Map.of("k", "v"), false, 7, 700);
            NewLine partial = new NewLine(4, T0 + 6, "task-9", "wf-a", LogLevel.DEBUG, LogSource.STDERR, "héllo ✓", Map.of(), true, 0, 0);
            assertThat(store.append(batch("w1", "s1", "wf-a", 1, 2)).get()).isEqualTo(2);
            assertThat(store.append(new AppendBatch("w1", "s1", List.of(gap, partial))).get()).isEqualTo(4);

            List<LogLine> lines = store.read("wf-a", LogQuery.all()).lines();
            assertThat(lines).extracting(LogLine::offset).containsExactly(1L, 2L, 3L, 4L);
            LogLine first = lines.getFirst();
            assertThat(first.message()).isEqualTo("line 1 of wf-a");
            assertThat(first.workerId()).isEqualTo("w1");
            assertThat(first.workflowId()).isEqualTo("wf-a");
            assertThat(first.taskId()).isEqualTo("task-1");
            assertThat(first.source()).isEqualTo(LogSource.STDOUT);
            assertThat(first.timestamp()).isEqualTo(Records.instant(T0 + 1_000_000));
            assertThat(first.metadata()).isEqualTo(LogFixtures.POD);
            assertThat(first.gap()).isNull();
            assertThat(lines.get(2).gap()).isEqualTo(new LogLine.Gap(7, 700));
            assertThat(lines.get(2).metadata()).containsEntry("k", "v");
            assertThat(lines.get(2).taskId()).isEmpty();
            assertThat(lines.get(3).message()).isEqualTo("héllo ✓");
            assertThat(lines.get(3).partial()).isTrue();
            assertThat(lines.get(3).level()).isEqualTo(LogLevel.DEBUG);
            assertThat(store.highWaterMark("w1", "s1")).isEqualTo(4);
        }
    }

    @Test
    void skipsSequencesAlreadyStoredSoAReplayIsStoredOnce() throws Exception {
        try (LogStore store = LogFixtures.open(dir, LogStoreSettings.defaults())) {
            store.append(batch("w1", "s1", "wf-a", 1, 100)).get();
            assertThat(store.append(batch("w1", "s1", "wf-a", 50, 150)).get()).isEqualTo(150);
            store.append(batch("w1", "s2", "wf-a", 1, 10)).get(); // another stream: its own sequences

            List<LogLine> lines = readAll(store, "wf-a", LogQuery.all());
            assertThat(lines).hasSize(160);
            assertThat(lines.stream().filter(l -> l.message().equals("line 77 of wf-a"))).hasSize(1);
            assertThat(lines).extracting(LogLine::offset).doesNotHaveDuplicates().isSorted();
        }
    }

    @Test
    void filtersByLevelSourceTaskAndTimeAndPagesWithNextAfter() throws Exception {
        try (LogStore store = LogFixtures.open(dir, LogStoreSettings.defaults().withSegmentBytes(64 * 1024))) {
            for (int i = 0; i < 20; i++) store.append(batch("w1", "s1", "wf-a", i * 1000L + 1, (i + 1) * 1000L)).get();
            assertThat(Files.list(dir.resolve("wf-a")).filter(Segment::isSegmentFile).count()).as("rolled segments").isGreaterThan(5);

            LogQuery errors = new LogQuery(0, null, null, 10_000, LogLevel.WARN, null, null, null);
            assertThat(readAll(store, "wf-a", errors)).hasSize(2000).allMatch(l -> l.level() == LogLevel.ERROR);
            LogQuery set = new LogQuery(0, null, null, 10_000, null, Set.of(LogLevel.INFO), LogSource.STDERR, "task-1");
            assertThat(readAll(store, "wf-a", set)).isNotEmpty()
                    .allMatch(l -> l.level() == LogLevel.INFO && l.source() == LogSource.STDERR && l.taskId().equals("task-1"));
            Instant from = Records.instant(T0 + 12_345 * 1_000_000L);
            Instant to = Records.instant(T0 + 12_400 * 1_000_000L);
            List<LogLine> window = readAll(store, "wf-a", new LogQuery(0, from, to, 10, null, null, null, null));
            assertThat(window).extracting(LogLine::offset).containsExactlyElementsOf(
                    Stream.iterate(12_345L, x -> x + 1).limit(55).toList());

            LogPage page = store.read("wf-a", new LogQuery(15_000, null, null, 5, null, null, null, null));
            assertThat(page.lines()).extracting(LogLine::offset).containsExactly(15_001L, 15_002L, 15_003L, 15_004L, 15_005L);
            assertThat(page.nextAfter()).isEqualTo(15_005);
            LogPage end = store.read("wf-a", LogQuery.all().withAfter(20_000));
            assertThat(end.lines()).isEmpty();
            assertThat(end.nextAfter()).isEqualTo(20_000);
        }
    }

    @Test
    void keepsLinesWithoutWorkflowUnderTheWorkersOwnLog() throws Exception {
        try (LogStore store = LogFixtures.open(dir, LogStoreSettings.defaults())) {
            store.append(batch("w7", "s1", "", 1, 3)).get();
            assertThat(store.read(LogStore.logKey("", "w7"), LogQuery.all()).lines()).hasSize(3);
            assertThat(dir.resolve("_worker/w7")).isDirectory();
        }
    }

    @Test
    void refusesIdsThatCouldLeaveTheLogFolder() throws Exception {
        try (LogStore store = LogFixtures.open(dir, LogStoreSettings.defaults())) {
            assertThatThrownBy(() -> store.append(batch("w1", "s1", "../etc", 1, 1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entries[0].workflow_id '../etc'");
            assertThatThrownBy(() -> store.append(batch("../w", "s1", "wf", 1, 1))).hasMessageContaining("worker_id");
        }
    }

    @Test
    void deletesOnlySealedSegmentsOlderThanTheRetention() throws Exception {
        try (LogStore store = LogFixtures.open(dir, LogStoreSettings.defaults().withSegmentBytes(16 * 1024))) {
            store.append(batch("w1", "s1", "wf-a", 1, 2000)).get();
            List<Path> segments;
            try (Stream<Path> s = Files.list(dir.resolve("wf-a"))) {
                segments = s.filter(Segment::isSegmentFile).sorted().toList();
            }
            assertThat(segments.size()).isGreaterThan(3);
            java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.from(Instant.now().minus(java.time.Duration.ofDays(31)));
            for (Path p : segments) Files.setLastModifiedTime(p, old); // the active one too: it must survive anyway
            int deleted = store.applyRetention();
            assertThat(deleted).isEqualTo(segments.size() - 1);
            assertThat(segments.getLast()).exists();
            List<LogLine> left = readAll(store, "wf-a", LogQuery.all());
            assertThat(left).isNotEmpty();
            assertThat(left.getLast().offset()).isEqualTo(2000);
            store.append(batch("w1", "s1", "wf-a", 2001, 2001)).get();
            assertThat(store.endOffset("wf-a")).isEqualTo(2001);
        }
    }
}
