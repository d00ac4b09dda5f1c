package dev.baton.logs.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static dev.baton.logs.store.LogFixtures.batch;
import static dev.baton.logs.store.LogFixtures.readAll;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crashes for real: the store is abandoned without its closing checkpoint (as a killed process leaves it),
 * files are cut in the middle of a record, and a new store opens the same folder.
 */
class LogStoreRecoveryTest {
    @TempDir
    Path dir;

    /** A checkpoint written only at start, so everything after it must be found by scanning. */
    private static LogStoreSettings staleCheckpoint() {
        return new LogStoreSettings(32 * 1024, Duration.ofDays(30), Duration.ofHours(1), 1 << 20, 100, Duration.ofDays(1));
    }

    @Test
    void aCrashLosesNothingAcknowledgedAndAReplayAfterItIsStoredOnce() throws Exception {
        LogStore crashed = LogFixtures.open(dir, staleCheckpoint());
        for (int i = 0; i < 10; i++) crashed.append(batch("w1", "s1", "wf-a", i * 500L + 1, (i + 1) * 500L)).get();
        crashed.append(batch("w2", "s9", "", 1, 42)).get();
        crashed.abandon();

        try (LogStore reopened = LogFixtures.open(dir, staleCheckpoint())) {
            assertThat(reopened.highWaterMark("w1", "s1")).isEqualTo(5000);
            assertThat(reopened.highWaterMark("w2", "s9")).isEqualTo(42);
            // the worker did not get the last ack: it replays from 4001
            assertThat(reopened.append(batch("w1", "s1", "wf-a", 4001, 5200)).get()).isEqualTo(5200);
            List<LogLine> lines = readAll(reopened, "wf-a", LogQuery.all());
            assertThat(lines).hasSize(5200);
            assertThat(lines).extracting(LogLine::offset).containsExactlyElementsOf(Stream.iterate(1L, x -> x + 1).limit(5200).toList());
            assertThat(lines.getLast().message()).isEqualTo("line 5200 of wf-a");
            assertThat(readAll(reopened, LogStore.logKey("", "w2"), LogQuery.all())).hasSize(42);
        }
    }

    @Test
    void aTornLastRecordIsCutOffAndItsLineAcceptedAgain() throws Exception {
        LogStore crashed = LogFixtures.open(dir, staleCheckpoint().withSegmentBytes(64L << 20));
        crashed.append(batch("w1", "s1", "wf-a", 1, 300)).get();
        crashed.abandon();
        Path segment = dir.resolve("wf-a").resolve(String.format("%020d.log", 1));
        long size = Files.size(segment);
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.setLength(size - 7); // the last record loses its tail, as a write cut by a power loss would
        }

        try (LogStore reopened = LogFixtures.open(dir, staleCheckpoint())) {
            assertThat(reopened.highWaterMark("w1", "s1")).isEqualTo(299);
            assertThat(Files.size(segment)).isLessThan(size - 7);
            assertThat(reopened.append(batch("w1", "s1", "wf-a", 295, 310)).get()).isEqualTo(310);
            List<LogLine> lines = readAll(reopened, "wf-a", LogQuery.all());
            assertThat(lines).extracting(LogLine::message).doesNotHaveDuplicates().hasSize(310);
            assertThat(lines.get(299).message()).isEqualTo("line 300 of wf-a");
            assertThat(lines.get(299).offset()).isEqualTo(300);
        }
    }

    @Test
    void garbageAfterTheLastRecordAndADamagedCheckpointAreSurvived() throws Exception {
        LogStore crashed = LogFixtures.open(dir, LogStoreSettings.defaults().withSegmentBytes(8 * 1024));
        crashed.append(batch("w1", "s1", "wf-a", 1, 1000)).get();
        crashed.close();
        Files.write(dir.resolve("checkpoint"), new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17});
        Path last;
        try (Stream<Path> s = Files.list(dir.resolve("wf-a"))) {
            last = s.filter(Segment::isSegmentFile).sorted().toList().getLast();
        }
        Files.write(last, new byte[100], java.nio.file.StandardOpenOption.APPEND); // zeros, as a pre-extended file shows

        try (LogStore reopened = LogFixtures.open(dir, LogStoreSettings.defaults().withSegmentBytes(8 * 1024))) {
            assertThat(reopened.highWaterMark("w1", "s1")).isEqualTo(1000);
            reopened.append(batch("w1", "s1", "wf-a", 1, 1010)).get();
            List<LogLine> lines = readAll(reopened, "wf-a", LogQuery.all());
            assertThat(lines).hasSize(1010);
            assertThat(reopened.read("wf-a", LogQuery.all().withAfter(500).withLimit(1)).lines().getFirst().offset()).isEqualTo(501);
        }
    }
}
