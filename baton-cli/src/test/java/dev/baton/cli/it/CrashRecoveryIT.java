package dev.baton.cli.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.baton.cli.it.It.status;
import static dev.baton.cli.it.It.task;
import static dev.baton.cli.it.It.work;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of the server while a workflow runs: after a restart no workflow stays RUNNING without an agent,
 * it resumes after its last valid checkpoint (no completed work runs again), and no agent process of the
 * dead server is left running.
 *
 * <p>The agent of the second work sleeps {@value #AGENT_SLEEP_SECONDS} s: longer than a restart takes, so
 * the orphan is still running when the new server starts and only the server's orphan reaping can end it
 * in time. (With a sleep shorter than a restart the orphan would end by itself before the new run, its
 * late write would be cleaned away by the checkpoint restore, and a server that never reaps would pass.)
 */
class CrashRecoveryIT {
    private static final String ID = "wf-crash-it";
    private static final int AGENT_SLEEP_SECONDS = 40;
    /** How long the reaped orphans may take to disappear once the new run is visible; far below the sleep. */
    private static final Duration REAP_GRACE = Duration.ofSeconds(5);

    private static final String SPEC = """
            id: %s
            name: Crash recovery end to end
            repositories:
              - name: app
                path: app
              - name: docs
                path: docs
            works:
              - id: wk-quick
                name: Quick work
                agent: scripted
              - id: wk-slow
                name: Slow work
                agent: scripted
            tasks:
              - id: q1
                work: wk-quick
                query: "write app/one.txt one"
              - id: q2
                work: wk-quick
                query: |
                  write docs/two.md alpha
                  write docs/two.md beta
              - id: s1
                work: wk-slow
                query: |
                  sleep %d
                  write app/three.txt three
            """.formatted(ID, AGENT_SLEEP_SECONDS);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps both server logs for a look
    Path tmp;

    private final List<ServerProcess> servers = new ArrayList<>();
    private final List<ProcessHandle> orphans = new ArrayList<>();

    @AfterEach
    void killEverythingWeStarted() {
        servers.forEach(ServerProcess::close);
        It.killAll(orphans);
    }

    @Test
    void aServerKilledMidWorkflowReapsItsOrphanAgentsAndResumesAfterTheLastValidCheckpoint() throws IOException {
        Path data = tmp.resolve("data");
        It.initRepository(data.resolve("git/app"), "README.md", "app\n");
        It.initRepository(data.resolve("git/docs"), "README.md", "docs\n");

        // 1. A server runs the workflow until the second work's agent is busy.
        ServerProcess first = start(data, "server-1.log");
        first.createAndStart(SPEC);
        JsonNode busy = It.await("task s1 in progress with its agent sleeping", It.TIMEOUT, () -> first.workflow(ID),
                wf -> status(task(wf, "wk-slow", "s1")).equals("IN_PROGRESS")
                        && first.descendants().stream().anyMatch(p -> It.describe(p).contains("sleep " + AGENT_SLEEP_SECONDS)));
        assertThat(status(work(busy, "wk-quick"))).isEqualTo("COMPLETED");
        assertThat(busy.path("status").asString()).isEqualTo("RUNNING");
        List<ProcessHandle> agents = agents(first);
        assertThat(agents).as("scripted agents among %s", describe(first.descendants())).hasSize(1);
        orphans.addAll(It.tree(agents.getFirst())); // the agent and its `sleep`
        assertThat(orphans).anySatisfy(p -> assertThat(It.describe(p)).contains("sleep " + AGENT_SLEEP_SECONDS));
        assertThat(recordedAgentPids(data)).as("agent processes recorded under <data>/run/agents")
                .containsAll(agents.stream().map(ProcessHandle::pid).toList());

        // 2. kill -9: the JVM dies, its agents do not (which is what makes this test mean something).
        first.killHard();
        assertThat(first.isAlive()).isFalse();
        assertThat(orphans).as("orphans right after the kill").allSatisfy(p ->
                assertThat(It.isRunning(p)).as("%s running", It.describe(p)).isTrue());

        // 3. A new server on the same data folder.
        ServerProcess second = start(data, "server-2.log");
        // Orphans are reaped before recovery starts the workflow again, so once the second run of wk-slow is
        // in the event log the dead server's agents must be gone (their own sleep has far to go).
        It.await("wk-slow to start a second time", It.TIMEOUT, () -> workStarts(second.events(ID)).getOrDefault("wk-slow", 0L),
                n -> n >= 2);
        It.await("the dead server's agents to be gone " + describe(orphans), REAP_GRACE,
                () -> orphans.stream().filter(It::isRunning).map(It::describe).toList(), List::isEmpty);
        assertThat(second.logText()).as("server-2 log reports the reaping").contains("OrphanAgentsKilled");
        assertThat(recordedAgentPids(data)).as("records of the dead server's agents")
                .doesNotContainAnyElementsOf(orphans.stream().map(ProcessHandle::pid).toList());

        // 4. The workflow ends COMPLETED, never left RUNNING without an agent.
        JsonNode done;
        try {
            done = It.await("workflow " + ID + " to end", It.TIMEOUT, () -> second.workflow(ID),
                    wf -> Stream.of("COMPLETED", "FAILED", "CANCELLED", "PAUSED").anyMatch(s -> s.equals(wf.path("status").asString())));
        } catch (AssertionError stuck) {
            String processes = describe(second.descendants());
            throw new AssertionError(stuck.getMessage() + "\nserver processes: " + processes + "\nthread dump: " + second.threadDump(), stuck);
        }
        assertThat(done.path("status").asString()).as("status (error: %s)", done.path("error")).isEqualTo("COMPLETED");

        // 5. The completed work did not run again; the interrupted one ran a second time.
        assertThat(work(done, "wk-quick").path("tasks").valueStream().map(t -> t.path("id").asString() + " " + status(t)
                + " attempts=" + t.path("attempts").asInt())).containsExactly("q1 COMPLETED attempts=1", "q2 COMPLETED attempts=1");
        assertThat(status(task(done, "wk-slow", "s1"))).isEqualTo("COMPLETED");
        assertThat(task(done, "wk-slow", "s1").path("attempts").asInt()).isEqualTo(2);
        List<JsonNode> events = second.events(ID);
        assertThat(workStarts(events)).containsExactlyInAnyOrderEntriesOf(Map.of("wk-quick", 1L, "wk-slow", 2L));
        assertThat(events.stream().filter(e -> type(e).equals("QuerySent")).map(e -> e.path("payload").path("taskId").asString()))
                .containsExactly("q1", "q2", "s1", "s1");
        assertThat(events.stream().map(CrashRecoveryIT::type)).containsSubsequence(
                "WorkStarted", "CheckpointCreated", "WorkStarted", "WorkStarted", "CheckpointCreated", "WorkflowCompleted");
        assertThat(second.get("/api/v1/workflows/" + ID + "/reports").valueStream().map(r -> r.path("taskId").asString()))
                .as("one report per answered task").containsExactlyInAnyOrder("q1", "q2", "s1");

        // 6. Checkpoints: the base commit and exactly one valid checkpoint per repository for each work.
        JsonNode checkpoints = second.get("/api/v1/workflows/" + ID + "/checkpoints");
        assertThat(checkpoints.valueStream().filter(c -> c.path("valid").asBoolean())
                .map(c -> c.path("workId").asString() + "#" + c.path("workSequence").asInt() + "@" + c.path("repository").asString()))
                .containsExactlyInAnyOrder("base#-1@app", "base#-1@docs", "wk-quick#0@app", "wk-quick#0@docs", "wk-slow#1@app", "wk-slow#1@docs");
        assertThat(checkpoints.valueStream().filter(c -> !c.path("valid").asBoolean())).isEmpty();

        // 7. Files: every line written once, nothing of the killed attempt, in the worktrees and in the commits.
        Path app = data.resolve("worktrees").resolve(ID).resolve("app");
        Path docs = data.resolve("worktrees").resolve(ID).resolve("docs");
        assertThat(Files.readAllLines(app.resolve("one.txt"))).containsExactly("one");
        assertThat(Files.readAllLines(docs.resolve("two.md"))).containsExactly("alpha", "beta");
        assertThat(Files.readAllLines(app.resolve("three.txt"))).containsExactly("three");
        Path appRepo = data.resolve("git/app");
        assertThat(It.git(appRepo, "log", "--format=%s", "baton/" + ID).lines()).containsExactly(
                "baton: checkpoint wk-slow (work 2 of 2) [" + ID + "]", "baton: checkpoint wk-quick (work 1 of 2) [" + ID + "]", "initial");
        assertThat(It.git(appRepo, "show", "baton/" + ID + ":three.txt").lines()).containsExactly("three");
        assertThat(It.git(appRepo, "show", "baton/" + ID + ":one.txt").lines()).containsExactly("one");
        assertThat(It.git(data.resolve("git/docs"), "show", "baton/" + ID + ":two.md").lines()).containsExactly("alpha", "beta");
        assertThat(It.git(app, "status", "--porcelain")).as("app worktree clean after the checkpoint").isEmpty();

        // 8. Nothing of the dead server's is running, and the new server left no agent behind either.
        assertThat(orphans).noneMatch(It::isRunning);
        It.await("no agent of the new server left", It.TIMEOUT, () -> agents(second), List::isEmpty);
    }

    private ServerProcess start(Path data, String logName) {
        ServerProcess server = ServerProcess.start(data, tmp.resolve(logName), Map.of());
        servers.add(server);
        return server.awaitReady();
    }

    /** The agent processes the server started: its children running the scripted agent. */
    private static List<ProcessHandle> agents(ServerProcess server) {
        server.descendants(); // remembered for clean-up
        return server.handle().children().filter(It::isRunning).filter(p -> It.describe(p).contains("scripted-agent.sh")).toList();
    }

    private static List<Long> recordedAgentPids(Path data) throws IOException {
        Path dir = data.resolve("run/agents");
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> Long.parseLong(n.substring(0, n.length() - ".json".length()))).toList();
        }
    }

    private static Map<String, Long> workStarts(List<JsonNode> events) {
        return events.stream().filter(e -> type(e).equals("WorkStarted"))
                .collect(Collectors.groupingBy(e -> e.path("payload").path("workId").asString(), Collectors.counting()));
    }

    private static String type(JsonNode event) {
        return event.path("type").asString();
    }

    private static String describe(List<ProcessHandle> processes) {
        return processes.stream().map(It::describe).collect(Collectors.joining(", ", "[", "]"));
    }
}
