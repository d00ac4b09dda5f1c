package dev.baton.worker;

import dev.baton.agent.process.ProcessAgentLauncher;
import dev.baton.grpc.v1.AgentProfile;
import dev.baton.grpc.v1.RunTask;
import dev.baton.grpc.v1.StartAgent;
import dev.baton.grpc.v1.StopAgent;
import dev.baton.grpc.v1.TaskResult;
import dev.baton.grpc.v1.WorkerMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The worker's side of the commands, with real agent processes: capacity, idempotent repeats, stop acknowledgement. */
class AssignedAgentsTest {
    @TempDir
    Path dir;

    final List<WorkerMessage> replies = new CopyOnWriteArrayList<>();
    final List<String> lines = new CopyOnWriteArrayList<>();

    AssignedAgents agents(int capacity) {
        return new AssignedAgents(new ProcessAgentLauncher(), (wf, task, source, line, partial) -> lines.add(wf + "/" + task + ":" + line),
                "w-test", capacity, replies::add, new SimpleMeterRegistry());
    }

    StartAgent start(String id) throws Exception {
        Path agent = dir.resolve("agent.sh");
        if (!Files.exists(agent)) {
            Files.writeString(agent, "#!/bin/sh\nsleep \"${1:-0}\"\necho \"answer $1 from $BATON_WORKER_ID\"\n");
            agent.toFile().setExecutable(true);
        }
        return StartAgent.newBuilder().setSessionId(id).setWorkflowId("wf-1").setWorkspace(dir.toString())
                .setProfile(AgentProfile.newBuilder().setName("sleeper").setMode(AgentProfile.Mode.ONESHOT).addCommand(agent.toString()).addCommand("{query}"))
                .setQueryTimeoutMs(30_000).setStopTimeoutMs(2_000).build();
    }

    List<TaskResult> results(String taskId) {
        return replies.stream().filter(WorkerMessage::hasTaskResult).map(WorkerMessage::getTaskResult).filter(r -> r.getTaskId().equals(taskId)).toList();
    }

    @Test
    void startsUpToItsCapacityThenAnswersWorkerFull() throws Exception {
        AssignedAgents a = agents(1);
        a.start(start("s1"));
        a.start(start("s2"));
        await().atMost(Duration.ofSeconds(20)).until(() -> replies.size() == 2);
        assertThat(replies).extracting(m -> m.getAgentStarted().getSessionId() + "=" + m.getAgentStarted().getOk())
                .containsExactlyInAnyOrder("s1=true", "s2=false");
        assertThat(replies.stream().filter(m -> !m.getAgentStarted().getOk()).findFirst().orElseThrow().getAgentStarted().getError())
                .startsWith("worker full");
        assertThat(a.freeSlots()).isZero();
        assertThat(a.running()).containsExactly("s1");
    }

    @Test
    void aWorkspaceThisMachineDoesNotSeeIsRefusedSayingWhatIsNeeded() throws Exception {
        AssignedAgents a = agents(1);
        Path elsewhere = dir.resolve("server-data/workspaces/wf-1/wk-1");
        a.start(start("s1").toBuilder().setWorkspace(elsewhere.toString()).build());
        await().atMost(Duration.ofSeconds(20)).until(() -> replies.size() == 1);
        assertThat(replies.getFirst().getAgentStarted().getOk()).isFalse();
        assertThat(replies.getFirst().getAgentStarted().getError())
                .isEqualTo("cannot start agent 'sleeper' on worker w-test: its workspace " + elsewhere + " is not on this machine: run the worker"
                        + " with --workdir DIR (it then fetches the repositories), or mount the server's data folder at the same path"
                        + " (see README \"Workers and live logs\")");
        assertThat(a.freeSlots()).as("the slot is free again").isEqualTo(1);
    }

    @Test
    void runsTasksOnceAndRepeatsTheLastAnswerOnDemand() throws Exception {
        AssignedAgents a = agents(2);
        a.start(start("s1"));
        await().atMost(Duration.ofSeconds(20)).until(() -> replies.size() == 1);
        RunTask t1 = RunTask.newBuilder().setSessionId("s1").setTaskId("t1").setQuery("1").build();
        a.run(t1);
        a.run(t1); // repeated while running (a reconnect): ignored, the one answer comes
        await().atMost(Duration.ofSeconds(20)).until(() -> results("t1").size() == 1);
        assertThat(results("t1").getFirst().getOutput()).contains("answer 1 from w-test");
        assertThat(lines).contains("wf-1/t1:answer 1 from w-test");

        a.run(t1); // repeated after it finished: the same answer again, not a second run
        await().atMost(Duration.ofSeconds(20)).until(() -> results("t1").size() == 2);
        assertThat(lines).hasSize(1);
    }

    @Test
    void stopIsAcknowledgedWithAnEmptyTaskIdAndUnknownSessionsAnswerStartFailed() throws Exception {
        AssignedAgents a = agents(1);
        a.start(start("s1"));
        await().atMost(Duration.ofSeconds(20)).until(() -> replies.size() == 1);
        a.run(RunTask.newBuilder().setSessionId("s1").setTaskId("t1").setQuery("60").build());
        a.stop(StopAgent.newBuilder().setSessionId("s1").setReason("test").build());
        await().atMost(Duration.ofSeconds(20)).until(() -> results("").size() == 1 && results("t1").size() == 1);
        assertThat(results("t1").getFirst().getOutcome()).isEqualTo(TaskResult.Outcome.STOPPED);
        assertThat(a.running()).isEmpty();

        a.run(RunTask.newBuilder().setSessionId("gone").setTaskId("t9").setQuery("1").build());
        await().atMost(Duration.ofSeconds(20)).until(() -> results("t9").size() == 1);
        assertThat(results("t9").getFirst().getOutcome()).isEqualTo(TaskResult.Outcome.START_FAILED);
        assertThat(results("t9").getFirst().getError()).contains(AgentMessages.NO_SUCH_SESSION);
    }

    @Test
    void backoffGrowsWithJitterUpToItsCapAndResets() {
        Backoff b = new Backoff(Duration.ofSeconds(30));
        Duration first = b.next();
        assertThat(first).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        Duration last = first;
        for (int i = 0; i < 20; i++) last = b.next();
        assertThat(last).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
        b.reset();
        assertThat(b.next()).isLessThanOrEqualTo(Duration.ofMillis(100));
    }
}
