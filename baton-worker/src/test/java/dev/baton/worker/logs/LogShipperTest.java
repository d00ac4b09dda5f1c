package dev.baton.worker.logs;

import dev.baton.grpc.WorkerTokens;
import dev.baton.grpc.v1.LogEntry;
import dev.baton.worker.testing.RecordedLogs;
import dev.baton.worker.testing.RecordingLogServer;
import dev.baton.worker.testing.TcpProxy;
import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static dev.baton.worker.logs.ShipperFixture.CLOCK;
import static dev.baton.worker.logs.ShipperFixture.assertExactlyOnceInOrder;
import static dev.baton.worker.logs.ShipperFixture.channelTo;
import static dev.baton.worker.logs.ShipperFixture.settings;
import static dev.baton.worker.logs.ShipperFixture.writeLines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LogShipperTest {

    @TempDir
    Path dir;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void aLineReachesTheServerWithTheHelloMetadataAndFlushWaitsForItsAck() throws Exception {
        try (RecordingLogServer server = RecordingLogServer.start();
             LogSpool spool = LogSpool.open(dir, SpoolSettings.defaults(), meters, CLOCK)) {
            ManagedChannel channel = channelTo(server.port());
            try (LogShipper shipper = LogShipper.start(channel, spool, settings("w-1", null), meters)) {
                writeLines(spool, 1, 1, "");
                assertThat(shipper.flush(Duration.ofSeconds(20))).isTrue();
                assertThat(server.store().linesOf("w-1")).extracting(LogEntry::getMessage).containsExactly("line 1");
                RecordedLogs.Stream stream = server.store().streams().getFirst();
                assertThat(stream.streamId()).isEqualTo(spool.streamId());
                assertThat(server.store().metadataOf(stream)).containsOnlyKeys("pod_name", "namespace", "node");
                assertThat(meters.counter("worker.logs.lines.acked").count()).isEqualTo(1);
                assertThat(meters.get("worker.logs.unacked.lines").gauge().value()).isZero();
            } finally {
                ShipperFixture.close(channel);
            }
        }
    }

    @Test
    void hundredThousandLinesSurviveFiveCutsAndAServerRestartExactlyOnceAndInOrder() throws Exception {
        RecordingLogServer server = RecordingLogServer.start();
        int port = server.port();
        RecordedLogs store = server.store();
        try (TcpProxy proxy = TcpProxy.to(port);
             LogSpool spool = LogSpool.open(dir, new SpoolSettings(1024 * 1024, 256L * 1024 * 1024, 1024 * 1024), meters, CLOCK)) {
            ManagedChannel channel = channelTo(proxy.port());
            try (LogShipper shipper = LogShipper.start(channel, spool, settings("w-1", null), meters)) {
                int chunk = 10_000;
                for (int part = 0; part < 10; part++) {
                    writeLines(spool, part * chunk + 1, (part + 1) * chunk, " of the agent's output");
                    long before = store.count("w-1");
                    // Act while data is moving: wait for the server to take some of this chunk first.
                    await().atMost(Duration.ofSeconds(20)).until(() -> store.count("w-1") > before);
                    if (part < 5) {
                        proxy.cutAll();
                    } else if (part == 6) {
                        server.close();
                        server = RecordingLogServer.start(port, store, WorkerTokens.none());
                    }
                }
                assertThat(shipper.flush(Duration.ofSeconds(25))).as("all lines acknowledged").isTrue();
            } finally {
                ShipperFixture.close(channel);
            }
            assertExactlyOnceInOrder(store.linesOf("w-1"), 100_000);
            assertThat(store.streams()).hasSize(1);
            assertThat(proxy.connectionsAccepted()).isGreaterThanOrEqualTo(7);
            assertThat(meters.counter("worker.logs.reconnects").count()).isGreaterThanOrEqualTo(6);
        } finally {
            server.close();
        }
    }

    @Test
    void aSlowServerBacksTheLinesUpOnDiskWhileMemoryStaysUnderItsCap() throws Exception {
        SpoolSettings settings = SpoolSettings.defaults();
        int lines = 110_000;
        String padding = " " + "m".repeat(1000);
        try (RecordingLogServer server = RecordingLogServer.start();
             LogSpool spool = LogSpool.open(dir, settings, meters, CLOCK)) {
            server.requestDelay(Duration.ofMillis(200));
            ManagedChannel channel = channelTo(server.port());
            AtomicLong maxDisk = new AtomicLong();
            try (LogShipper shipper = LogShipper.start(channel, spool, settings("w-1", null), meters)) {
                for (int i = 1; i <= lines; i += 1000) {
                    writeLines(spool, i, i + 999, padding);
                    assertThat(spool.memoryBytes()).isLessThanOrEqualTo(settings.memoryCapBytes());
                    maxDisk.accumulateAndGet(spool.diskBytes(), Math::max);
                }
                assertThat(maxDisk.get()).as("backlog on disk").isGreaterThan(100L * 1024 * 1024);
                assertThat(spool.peakMemoryBytes()).isLessThanOrEqualTo(settings.memoryCapBytes());
                assertThat(meters.get("worker.logs.spool.disk.bytes").gauge().value()).isGreaterThan(90.0 * 1024 * 1024);

                server.requestDelay(Duration.ZERO);
                assertThat(shipper.flush(Duration.ofSeconds(25))).as("backlog delivered").isTrue();
            } finally {
                ShipperFixture.close(channel);
            }
            assertExactlyOnceInOrder(server.store().linesOf("w-1"), lines);
            assertThat(spool.peakMemoryBytes()).isLessThanOrEqualTo(settings.memoryCapBytes());
            assertThat(spool.diskBytes()).isZero();
        }
    }

    @Test
    void whenTheDiskCapIsReachedTheOldestUnsentLinesBecomeAGapAndNothingIsLostSilently() throws Exception {
        // The disk cap is well above what HTTP/2 flow control lets into flight (about 1 MiB), so the drops hit
        // lines never sent; lines in flight may be stored and are never counted as dropped.
        SpoolSettings settings = new SpoolSettings(32 * 1024, 4L * 1024 * 1024, 64 * 1024);
        int written = 100_000;
        try (RecordingLogServer server = RecordingLogServer.start();
             LogSpool spool = LogSpool.open(dir, settings, meters, CLOCK)) {
            ManagedChannel channel = channelTo(server.port());
            try (LogShipper shipper = LogShipper.start(channel, spool, settings("w-1", null), meters)) {
                writeLines(spool, 1, 10, "");
                assertThat(shipper.flush(Duration.ofSeconds(20))).isTrue();
                server.pause();
                writeLines(spool, 11, written, " " + "d".repeat(80));
                assertThat(spool.diskBytes()).isLessThanOrEqualTo(settings.diskCapBytes());
                server.resume();
                assertThat(shipper.flush(Duration.ofSeconds(25))).isTrue();
            } finally {
                ShipperFixture.close(channel);
            }
            List<LogEntry> entries = server.store().entriesOf("w-1");
            List<LogEntry> gaps = entries.stream().filter(LogEntry::hasGap).toList();
            long delivered = entries.size() - gaps.size();
            long dropped = gaps.stream().mapToLong(g -> g.getGap().getDroppedLines()).sum();
            assertThat(gaps).isNotEmpty();
            assertThat(dropped).isPositive();
            assertThat(delivered + dropped).isEqualTo(written);
            assertThat(meters.counter("worker.logs.dropped.lines").count()).isEqualTo(dropped);
            assertThat(entries).extracting(LogEntry::getSequence).isSorted().doesNotHaveDuplicates();
            assertThat(entries.getLast().getMessage()).startsWith("line " + written + " ");
            LogEntry gap = gaps.getFirst();
            assertThat(gap.getGap().getDroppedBytes()).isGreaterThan(gap.getGap().getDroppedLines() * 80);
        }
    }

    @Test
    void aRestartedWorkerOnTheSameSpoolDirectoryDeliversWhatItHadSpilled() throws Exception {
        SpoolSettings settings = new SpoolSettings(16 * 1024, 64L * 1024 * 1024, 64 * 1024);
        try (RecordingLogServer server = RecordingLogServer.start()) {
            ManagedChannel channel = channelTo(server.port());
            try {
                LogSpool first = LogSpool.open(dir, settings, meters, CLOCK);
                LogShipper shipper = LogShipper.start(channel, first, settings("w-1", null), meters);
                writeLines(first, 1, 100, "");
                assertThat(shipper.flush(Duration.ofSeconds(20))).isTrue();
                server.pause();
                writeLines(first, 101, 5_000, " " + "r".repeat(50));
                shipper.close();
                first.close();
                assertThat(server.store().count("w-1")).isLessThan(5_000);

                server.resume();
                try (LogSpool second = LogSpool.open(dir, settings, new SimpleMeterRegistry(), CLOCK);
                     LogShipper again = LogShipper.start(channel, second, settings("w-1", null), new SimpleMeterRegistry())) {
                    assertThat(second.streamId()).isEqualTo(first.streamId());
                    writeLines(second, 5_001, 5_010, "");
                    assertThat(again.flush(Duration.ofSeconds(20))).isTrue();
                }
            } finally {
                ShipperFixture.close(channel);
            }
            assertExactlyOnceInOrder(server.store().linesOf("w-1"), 5_010);
            assertThat(server.store().streams()).hasSize(1);
        }
    }

    @Test
    void aWrongTokenIsRetriedAndReportedAsUnauthenticatedWithoutTheToken() throws Exception {
        String right = "right-token-0123456789";
        String wrong = "wrong-token-SECRET-987654";
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new TeeStream(original, captured), true, StandardCharsets.UTF_8));
        try (RecordingLogServer server = RecordingLogServer.start(0, new RecordedLogs(), WorkerTokens.single("w-1", right));
             LogSpool spool = LogSpool.open(dir, SpoolSettings.defaults(), meters, CLOCK)) {
            ManagedChannel channel = channelTo(server.port());
            try (LogShipper shipper = LogShipper.start(channel, spool, settings("w-1", wrong), meters)) {
                writeLines(spool, 1, 5, "");
                await().atMost(Duration.ofSeconds(20)).until(() -> count(captured.toString(StandardCharsets.UTF_8), "UNAUTHENTICATED") >= 3);
                assertThat(shipper.flush(Duration.ofMillis(200))).isFalse();
            } finally {
                ShipperFixture.close(channel);
            }
            String logged = captured.toString(StandardCharsets.UTF_8);
            assertThat(logged).contains("refused").contains("w-1").contains("invalid token").doesNotContain(wrong).doesNotContain(right);
            assertThat(server.store().count("w-1")).isZero();
            assertThat(meters.counter("worker.logs.reconnects").count()).isGreaterThanOrEqualTo(2);
        } finally {
            System.setErr(original);
        }
    }

    private static int count(String text, String word) {
        int n = 0;
        for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) n++;
        return n;
    }

    /** Writes to the real stderr and keeps a copy. */
    private static final class TeeStream extends java.io.OutputStream {
        private final PrintStream original;
        private final ByteArrayOutputStream copy;

        TeeStream(PrintStream original, ByteArrayOutputStream copy) {
            this.original = original;
            this.copy = copy;
        }

        @Override
        public synchronized void write(int b) {
            original.write(b);
            copy.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            original.write(b, off, len);
            copy.write(b, off, len);
        }
    }
}
