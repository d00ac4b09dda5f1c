package dev.baton.worker.logs;

import dev.baton.agent.AgentStart;
import dev.baton.grpc.v1.LogEntry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker JVM killed (SIGKILL) with lines only in its spool's memory: the next run on the directory numbers on
 * right after the last line the killed one numbered, so the server sees exactly which sequences are missing.
 */
class SpoolAfterKillTest {
    @TempDir
    Path dir;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void aSpoolReopenedAfterItsWorkerWasKilledNumbersOnRightAfterTheLastLine() throws Exception {
        killAfterNumbering(300, 100);
        assertThat(Files.readString(dir.resolve("sequence")).trim()).as("the reservation is far ahead").isEqualTo("65537");

        try (LogSpool again = LogSpool.open(dir, SpoolSettings.defaults(), meters, Clock.systemUTC())) {
            assertThat(again.lastSequence()).isEqualTo(300);
            assertThat(again.read(1, 1000, 1 << 20)).as("101..300 were only in the killed worker's memory").isEmpty();
            again.line("wf", "t", AgentStart.Source.STDOUT, "after the kill", false);
            assertThat(again.read(1, 1000, 1 << 20)).extracting(LogEntry::getSequence).containsExactly(301L);
            assertThat(meters.counter("worker.logs.spool.unclean.stops").count()).isEqualTo(1);
        }
        try (LogSpool closedCleanly = LogSpool.open(dir, SpoolSettings.defaults(), new SimpleMeterRegistry(), Clock.systemUTC())) {
            closedCleanly.line("wf", "t", AgentStart.Source.STDOUT, "after a clean stop", false);
            assertThat(closedCleanly.lastSequence()).isEqualTo(302);
        }
    }

    @Test
    void aMarkWrittenBeforeTheMachineRebootedIsNotTrustedAndTheReservationDecides() throws Exception {
        killAfterNumbering(50, 0);
        byte[] mark = Files.readAllBytes(dir.resolve("numbered"));
        byte[] otherBoot = "00000000-0000-0000-0000-000000000000".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(otherBoot, 0, mark, 8, otherBoot.length); // as if written before a reboot: the page may be stale
        Files.write(dir.resolve("numbered"), mark);

        try (LogSpool again = LogSpool.open(dir, SpoolSettings.defaults(), meters, Clock.systemUTC())) {
            again.line("wf", "t", AgentStart.Source.STDOUT, "after the reboot", false);
            assertThat(again.lastSequence()).as("after the reserved block: maybe a wider hole, never a reused number").isEqualTo(65_538);
            assertThat(meters.counter("worker.logs.spool.unclean.stops").count()).isZero();
        }
    }

    /** Starts a worker JVM on the spool directory, lets it number {@code lines} lines, then kills it with SIGKILL. */
    private void killAfterNumbering(int lines, int acked) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(List.of(java.toString(), "-Xmx64m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), NumberThenWait.class.getName(), dir.toString(),
                Integer.toString(lines), Integer.toString(acked)))
                .redirectErrorStream(true)
                .start();
        List<String> output = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            for (String line = out.readLine(); line != null && !line.startsWith("ready"); line = out.readLine()) output.add(line);
            assertThat(child.isAlive()).as("child ready: %s", output).isTrue();
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
    }
}
