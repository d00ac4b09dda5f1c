package dev.baton.worker.logs;

import dev.baton.agent.AgentStart;
import dev.baton.grpc.v1.LogEntry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogSpoolTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00.123456789Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void numbersLinesFromOneAndReleasesWhatIsAcknowledged() {
        try (LogSpool spool = LogSpool.open(dir, SpoolSettings.defaults(), meters, CLOCK)) {
            spool.line("wf-1", "TASK-1", AgentStart.Source.STDOUT, "first", false);
            spool.line("wf-1", "TASK-1", AgentStart.Source.STDERR, "second", true);
            spool.line("wf-1", "", AgentStart.Source.STDOUT, "third", false);

            List<LogEntry> all = spool.read(1, 1000, 1 << 20);
            assertThat(all).extracting(LogEntry::getSequence).containsExactly(1L, 2L, 3L);
            assertThat(all.get(1).getSource()).isEqualTo(LogEntry.Source.STDERR);
            assertThat(all.get(1).getPartial()).isTrue();
            assertThat(all.get(0).getTimestampUnixNanos()).isEqualTo(CLOCK.instant().getEpochSecond() * 1_000_000_000L + 123_456_789L);
            assertThat(all.get(0).getWorkflowId()).isEqualTo("wf-1");
            assertThat(all.get(0).getTaskId()).isEqualTo("TASK-1");

            assertThat(spool.acknowledge(2)).isEqualTo(2);
            assertThat(spool.read(1, 1000, 1 << 20)).extracting(LogEntry::getMessage).containsExactly("third");
            assertThat(spool.unackedLines()).isEqualTo(1);
            assertThat(meters.counter("worker.logs.lines.appended").count()).isEqualTo(3);
            assertThat(meters.counter("worker.logs.lines.acked").count()).isEqualTo(2);
        }
    }

    @Test
    void spillsTheOldestToDiskWhenMemoryIsFullAndKeepsTheOrder() throws IOException {
        SpoolSettings settings = new SpoolSettings(16 * 1024, 64L * 1024 * 1024, 32 * 1024);
        try (LogSpool spool = LogSpool.open(dir, settings, meters, CLOCK)) {
            for (int i = 1; i <= 5_000; i++) {
                spool.line("wf", "t", AgentStart.Source.STDOUT, "line " + i + " " + "x".repeat(40), false);
            }
            assertThat(spool.peakMemoryBytes()).isLessThanOrEqualTo(16 * 1024).isGreaterThan(8 * 1024);
            assertThat(spool.diskBytes()).isGreaterThan(100_000);
            assertThat(segmentFiles()).hasSizeGreaterThan(3);
            assertThat(meters.counter("worker.logs.bytes.spilled").count()).isGreaterThan(100_000);

            List<Long> sequences = new ArrayList<>();
            long next = 1;
            List<LogEntry> batch;
            while (!(batch = spool.read(next, 700, 256 * 1024)).isEmpty()) {
                batch.forEach(e -> sequences.add(e.getSequence()));
                next = batch.getLast().getSequence() + 1;
            }
            assertThat(sequences).hasSize(5_000).isSorted().doesNotHaveDuplicates();

            spool.acknowledge(2_500);
            assertThat(spool.read(1, 1, 1024)).extracting(LogEntry::getSequence).containsExactly(2_501L);
            spool.acknowledge(5_000);
            assertThat(segmentFiles()).isEmpty();
            assertThat(spool.diskBytes()).isZero();
            assertThat(spool.memoryBytes()).isZero();
        }
    }

    @Test
    void dropsTheOldestUnsentLinesAtTheDiskCapAndRecordsOneGap() {
        SpoolSettings settings = new SpoolSettings(8 * 1024, 256 * 1024, 16 * 1024);
        int written = 20_000;
        try (LogSpool spool = LogSpool.open(dir, settings, meters, CLOCK)) {
            spool.line("wf", "t", AgentStart.Source.STDOUT, "sent before the flood", false);
            assertThat(spool.read(1, 10, 1024)).hasSize(1); // in flight: must never be counted as dropped
            for (int i = 2; i <= written; i++) {
                spool.line("wf", "t", AgentStart.Source.STDOUT, "line " + i + " " + "y".repeat(60), false);
            }
            assertThat(spool.diskBytes()).isLessThanOrEqualTo(256 * 1024);

            List<LogEntry> delivered = new ArrayList<>();
            long next = 1;
            List<LogEntry> batch;
            while (!(batch = spool.read(next, 1000, 256 * 1024)).isEmpty()) {
                delivered.addAll(batch);
                next = batch.getLast().getSequence() + 1;
            }
            List<LogEntry> gaps = delivered.stream().filter(LogEntry::hasGap).toList();
            long lines = delivered.stream().filter(e -> !e.hasGap()).count();
            long dropped = gaps.stream().mapToLong(g -> g.getGap().getDroppedLines()).sum();
            assertThat(gaps).hasSize(1);
            assertThat(gaps.getFirst().getGap().getDroppedBytes()).isPositive();
            assertThat(gaps.getFirst().getSource()).isEqualTo(LogEntry.Source.WORKER);
            assertThat(delivered.getFirst().getMessage()).isEqualTo("sent before the flood");
            assertThat(lines + dropped).isEqualTo(written);
            assertThat(delivered).extracting(LogEntry::getSequence).isSorted().doesNotHaveDuplicates();
            // The gap takes the sequence of the last line it stands for: the next line follows it directly.
            LogEntry gap = gaps.getFirst();
            int at = delivered.indexOf(gap);
            assertThat(delivered.get(at + 1).getSequence()).isEqualTo(gap.getSequence() + 1);
            assertThat(meters.counter("worker.logs.dropped.lines").count()).isEqualTo(dropped);
        }
    }

    @Test
    void aSendStartsAtItsSequenceWhenAGapInMemoryStandsForSeveralLines() {
        // Disk full of lines already sent (never dropped) and memory full: the next lines find no room at all
        // and become one pending gap, which goes into memory, behind older lines, once an ack frees the disk.
        SpoolSettings settings = new SpoolSettings(2 * 1024, 32 * 1024, 4 * 1024);
        String text = "z".repeat(100);
        try (LogSpool spool = LogSpool.open(dir, settings, meters, CLOCK)) {
            long next = 1;
            while (meters.counter("worker.logs.dropped.lines").count() == 0) {
                List<LogEntry> batch = spool.read(next, 1000, 1 << 20); // sent: may be stored, so never dropped
                if (!batch.isEmpty()) next = batch.getLast().getSequence() + 1;
                spool.line("wf", "t", AgentStart.Source.STDOUT, text, false);
            }
            long filled = next - 1;
            for (int i = 0; i < 4; i++) spool.line("wf", "t", AgentStart.Source.STDOUT, text, false);
            assertThat(meters.counter("worker.logs.dropped.lines").count()).isEqualTo(5);

            spool.acknowledge(filled / 2); // frees spill files, the oldest lines in memory stay
            spool.line("wf", "t", AgentStart.Source.STDOUT, "after the gap 1", false);
            spool.line("wf", "t", AgentStart.Source.STDOUT, "after the gap 2", false);

            List<LogEntry> fromGap = spool.read(next, 1000, 1 << 20);
            List<LogEntry> gaps = fromGap.stream().filter(LogEntry::hasGap).toList();
            assertThat(gaps.stream().mapToLong(g -> g.getGap().getDroppedLines()).sum()).isEqualTo(5);
            assertThat(gaps.getLast().getSequence()).isEqualTo(next + 4);
            assertThat(fromGap).extracting(LogEntry::getSequence).isSorted().doesNotHaveDuplicates();
            // Memory now holds sequences with holes (each gap stands for the lines before it): a send from the
            // line after the last gap must start there, not at a position computed as if they were consecutive.
            assertThat(spool.read(next + 5, 1000, 1 << 20)).extracting(LogEntry::getMessage)
                    .containsExactly("after the gap 1", "after the gap 2");
        }
    }

    @Test
    void aReopenedSpoolResumesTheSameStreamWithEverythingUnacknowledged() {
        SpoolSettings settings = new SpoolSettings(4 * 1024, 64L * 1024 * 1024, 8 * 1024);
        String streamId;
        try (LogSpool spool = LogSpool.open(dir, settings, meters, CLOCK)) {
            streamId = spool.streamId();
            for (int i = 1; i <= 300; i++) spool.line("wf", "t", AgentStart.Source.STDOUT, "line " + i, false);
            spool.acknowledge(100);
        }
        try (LogSpool again = LogSpool.open(dir, settings, new SimpleMeterRegistry(), CLOCK)) {
            assertThat(again.streamId()).isEqualTo(streamId);
            List<LogEntry> left = again.read(1, 1000, 1 << 20);
            assertThat(left).extracting(LogEntry::getSequence).first().isEqualTo(101L);
            assertThat(left).hasSize(200).extracting(LogEntry::getMessage).last().isEqualTo("line 300");
            again.line("wf", "t", AgentStart.Source.STDOUT, "after restart", false);
            assertThat(again.lastSequence()).isEqualTo(301);
        }
    }

    @Test
    void aSecondSpoolOnTheSameDirectoryIsRefused() {
        try (LogSpool spool = LogSpool.open(dir, SpoolSettings.defaults(), meters, CLOCK)) {
            assertThatThrownBy(() -> LogSpool.open(dir, SpoolSettings.defaults(), meters, CLOCK))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(dir.toString()).hasMessageContaining("in use");
        }
    }

    @Test
    void aTornRecordAtTheEndOfASpillFileIsCutOff() throws IOException {
        SpoolSettings settings = new SpoolSettings(2 * 1024, 64L * 1024 * 1024, 1024 * 1024);
        try (LogSpool spool = LogSpool.open(dir, settings, meters, CLOCK)) {
            for (int i = 1; i <= 200; i++) spool.line("wf", "t", AgentStart.Source.STDOUT, "line " + i, false);
        }
        Path file = segmentFiles().getFirst();
        Files.write(file, new byte[]{(byte) 0x7f, 1, 2}, java.nio.file.StandardOpenOption.APPEND); // half a record
        try (LogSpool again = LogSpool.open(dir, settings, new SimpleMeterRegistry(), CLOCK)) {
            assertThat(again.read(1, 1000, 1 << 20)).hasSize(200);
        }
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(SpoolSegment::isSegmentFile).sorted().toList();
        }
    }
}
