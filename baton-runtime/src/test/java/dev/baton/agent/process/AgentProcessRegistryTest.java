package dev.baton.agent.process;

import dev.baton.agent.AgentProfile.QueryInput;
import dev.baton.agent.AgentSession;
import dev.baton.agent.AgentStart;
import dev.baton.agent.process.AgentProcessRegistry.AgentProcessRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class AgentProcessRegistryTest {
    @TempDir
    Path dataDir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(Process::destroyForcibly);
    }

    private Path folder() {
        return dataDir.resolve("run/agents");
    }

    private Process sleep() throws Exception {
        Process process = new ProcessBuilder("sleep", "300").start();
        started.add(process);
        return process;
    }

    @Test
    void aFreshRegistryReapsTheProcessesOfAPreviousServer() throws Exception {
        Process orphan = sleep();
        new AgentProcessRegistry(folder()).record(orphan.toHandle(), "wf-1");
        assertThat(folder().resolve(orphan.pid() + ".json")).exists();

        List<AgentProcessRecord> reaped = new AgentProcessRegistry(folder()).reapOrphans(Duration.ofSeconds(5));

        assertThat(reaped).singleElement().satisfies(record -> {
            assertThat(record.pid()).isEqualTo(orphan.pid());
            assertThat(record.workflowId()).isEqualTo("wf-1");
            assertThat(record.command()).endsWith("sleep");
        });
        assertThat(ProcessTree.isRunning(orphan.toHandle())).isFalse();
        try (var files = Files.list(folder())) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aRecycledPidIsNeverKilled() throws Exception {
        Process stranger = sleep();
        Instant otherStart = stranger.toHandle().info().startInstant().orElseThrow().minus(Duration.ofHours(1));
        Files.createDirectories(folder());
        Files.writeString(folder().resolve(stranger.pid() + ".json"),
                "{\"pid\":" + stranger.pid() + ",\"startedAt\":\"" + otherStart + "\",\"command\":null,\"workflowId\":\"wf-old\"}");

        List<AgentProcessRecord> reaped = new AgentProcessRegistry(folder()).reapOrphans(Duration.ofSeconds(5));

        assertThat(reaped).isEmpty();
        assertThat(ProcessTree.isRunning(stranger.toHandle())).isTrue();
        assertThat(folder().resolve(stranger.pid() + ".json")).doesNotExist();
    }

    @Test
    void deadAndUnreadableRecordsAreJustDeleted() throws Exception {
        Files.createDirectories(folder());
        Files.writeString(folder().resolve("999999.json"), "{\"pid\":999999,\"startedAt\":\"2020-01-01T00:00:00Z\"}");
        Files.writeString(folder().resolve("garbage.json"), "not json");

        assertThat(new AgentProcessRegistry(folder()).reapOrphans(Duration.ofSeconds(1))).isEmpty();
        try (var files = Files.list(folder())) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void theRecordIsRemovedWhenTheProcessEnds() throws Exception {
        AgentProcessRegistry registry = new AgentProcessRegistry(folder());
        Process process = sleep();
        registry.record(process.toHandle(), null);
        assertThat(registry.recorded()).extracting(AgentProcessRecord::pid).containsExactly(process.pid());

        process.destroy();

        await().atMost(AgentFixtures.LONG).until(() -> registry.recorded().isEmpty());
    }

    @Test
    void ownLiveProcessesAreNotReaped() throws Exception {
        AgentProcessRegistry registry = new AgentProcessRegistry(folder());
        Process mine = sleep();
        registry.record(mine.toHandle(), null);

        assertThat(registry.reapOrphans(Duration.ofSeconds(1))).isEmpty();
        assertThat(ProcessTree.isRunning(mine.toHandle())).isTrue();
    }

    @Test
    void theLauncherRecordsItsAgentsWithTheirWorkflow(@TempDir Path workspace) throws Exception {
        AgentProcessRegistry registry = new AgentProcessRegistry(folder());
        ProcessAgentLauncher launcher = new ProcessAgentLauncher(registry);
        AgentStart start = new AgentStart(AgentFixtures.oneshot("sleepy", QueryInput.ARGUMENT, AgentFixtures.SCRIPTED_AGENT, "{query}"), workspace,
                null, Map.of("BATON_WORKFLOW_ID", "wf-42"), AgentFixtures.LONG, AgentFixtures.LONG, AgentFixtures.SHORT_STOP, AgentStart.OutputListener.NONE);
        try (AgentSession agent = launcher.start(start)) {
            CompletableFuture<?> query = CompletableFuture.runAsync(() -> OneshotAgentTest.ask(agent, "sleep 300"));

            await().atMost(AgentFixtures.LONG).until(() -> !registry.recorded().isEmpty());
            assertThat(registry.recorded()).singleElement().satisfies(record -> {
                assertThat(record.workflowId()).isEqualTo("wf-42");
                assertThat(record.pid()).isEqualTo(agent.pid().orElseThrow());
            });

            agent.stop();
            query.join();
        }
        await().atMost(AgentFixtures.LONG).until(() -> registry.recorded().isEmpty());
    }
}
