package dev.baton.worker.logs;

import dev.baton.agent.AgentProfile;
import dev.baton.agent.AgentSession;
import dev.baton.agent.AgentStart;
import dev.baton.agent.process.ProcessAgentLauncher;
import dev.baton.grpc.v1.LogEntry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A real agent process into a real spool: lines, pieces and the workflow they belong to. */
class LogSinkListenerTest {

    @TempDir
    Path dir;

    @Test
    void anAgentsOutputLandsInTheSpoolWithItsWorkflowTaskAndPieces() throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("ws"));
        AgentProfile sh = new AgentProfile("sh", AgentProfile.AgentMode.ONESHOT, List.of("sh", "-c", "{query}"),
                AgentProfile.QueryInput.ARGUMENT, Map.of(), null, null, null);
        try (LogSpool spool = LogSpool.open(dir.resolve("spool"), SpoolSettings.defaults(), new SimpleMeterRegistry(), ShipperFixture.CLOCK)) {
            AgentStart start = new AgentStart(sh, workspace, null, Map.of(), Duration.ofSeconds(60), Duration.ofSeconds(60),
                    Duration.ofMillis(500), LogSinkListener.of(spool, "wf-9"));
            try (AgentSession agent = new ProcessAgentLauncher().start(start)) {
                agent.query("TASK-3", "printf 'hello\\n'; printf 'bad\\n' >&2; head -c 70000 /dev/zero | tr '\\000' q");
            }
            List<LogEntry> entries = spool.read(1, 100, 1 << 20);
            assertThat(entries).allSatisfy(e -> {
                assertThat(e.getWorkflowId()).isEqualTo("wf-9");
                assertThat(e.getTaskId()).isEqualTo("TASK-3");
                assertThat(e.getTimestampUnixNanos()).isPositive();
            });
            assertThat(entries.stream().filter(e -> e.getSource() == LogEntry.Source.STDERR).map(LogEntry::getMessage)).containsExactly("bad");
            List<LogEntry> stdout = entries.stream().filter(e -> e.getSource() == LogEntry.Source.STDOUT).toList();
            assertThat(stdout).extracting(LogEntry::getMessage).first().isEqualTo("hello");
            assertThat(stdout).extracting(LogEntry::getPartial).containsExactly(false, true, false);
            assertThat(stdout.get(1).getMessage().length() + stdout.get(2).getMessage().length()).isEqualTo(70_000);
        }
    }
}
