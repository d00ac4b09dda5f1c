package dev.baton.cli.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.baton.cli.it.It.status;
import static dev.baton.cli.it.It.task;
import static dev.baton.cli.it.It.work;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM to a real server while a workflow's agent is busy (seed 001 §6.4): the server pauses the workflow
 * (agent stopped, state saved, spec file written), refuses new starts, exits within SHUTDOWN_TIMEOUT_MS, and
 * after a restart a resume finishes the workflow without running its completed work again.
 *
 * <p>The slow task runs a {@code stubborn} agent: {@code bash -c "trap '' TERM; sleep $GRACEFUL_IT_SLEEP"}.
 * It ignores SIGTERM (so does its {@code sleep}, which inherits the ignored signal), the worst case: the
 * server must escalate to SIGKILL after AGENT_STOP_TIMEOUT_MS. That also keeps the server answering HTTP for
 * those seconds of its shutdown, so /ready's 503 can usually be seen. The agent reads how long to sleep from
 * the server's environment, which agents inherit: the first server sets {@value #SLEEP_SECONDS} s, the
 * restarted one nothing, so on resume the same task ends at once.
 *
 * <p>Exit code: the JVM ends a SIGTERM'd process with 128 + 15 = 143 once its shutdown hooks (Spring's
 * graceful close among them) have run, whatever they did; Spring Boot does not change that. So 143 is the
 * exit code of a completed graceful shutdown, and the log's ShutdownCompleted line tells it from a crash.
 */
class GracefulShutdownIT {
    private static final String ID = "wf-sigterm-it";
    private static final String WAITING_ID = "wf-sigterm-waiting";
    private static final int SLEEP_SECONDS = 1000;
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(20);
    /** SIGTERM's exit code from the JVM (128 + 15), see the class comment. */
    private static final int EXIT_CODE_AFTER_SIGTERM = 143;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String PROFILES = """
            profiles:
              scripted:
                mode: oneshot
                command: ["examples/agents/scripted-agent.sh", "{query}"]
              stubborn:
                mode: oneshot
                command: ["bash", "-c", "trap '' TERM; sleep \\"${GRACEFUL_IT_SLEEP:-0}\\"; echo slept", "{query}"]
            """;

    private static final String SPEC = """
            id: %s
            name: Graceful shutdown end to end
            repositories:
              - name: app
                path: app
            works:
              - id: wk-quick
                name: Quick work
                agent: scripted
              - id: wk-slow
                name: Slow work
                agent: stubborn
            tasks:
              - id: q1
                work: wk-quick
                query: "write app/one.txt one"
              - id: s1
                work: wk-slow
                query: "sleep as long as the server says"
            """.formatted(ID);

    /** Created, never started: its start is tried during the shutdown and must be refused. */
    private static final String WAITING_SPEC = """
            id: %s
            name: Start refused during shutdown
            repositories:
              - name: app
                path: app
            works:
              - id: wk-one
                name: One
                agent: scripted
            tasks:
              - id: t1
                work: wk-one
                query: "echo hello"
            """.formatted(WAITING_ID);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps both server logs for a look
    Path tmp;

    private final List<ServerProcess> servers = new ArrayList<>();
    private final List<ProcessHandle> agentTree = new ArrayList<>();

    @AfterEach
    void killEverythingWeStarted() {
        servers.forEach(ServerProcess::close);
        It.killAll(agentTree);
    }

    @Test
    void sigtermPausesTheRunningWorkflowAndExitsCleanlyAndAResumeFinishesIt() throws IOException {
        Path data = tmp.resolve("data");
        It.initRepository(data.resolve("git/app"), "README.md", "app\n");
        Path profiles = tmp.resolve("profiles.yaml");
        Files.writeString(profiles, PROFILES);

        // 1. A server runs the workflow until the stubborn agent sleeps.
        ServerProcess first = start(data, "server-1.log", Map.of("BATON_AGENT_PROFILES", profiles.toString(),
                "SHUTDOWN_TIMEOUT_MS", Long.toString(SHUTDOWN_TIMEOUT.toMillis()), "GRACEFUL_IT_SLEEP", Integer.toString(SLEEP_SECONDS)));
        assertThat(first.call("POST", "/api/v1/workflows", WAITING_SPEC).statusCode()).isEqualTo(201);
        first.createAndStart(SPEC);
        JsonNode busy = It.await("task s1 in progress with its agent sleeping", It.TIMEOUT, () -> first.workflow(ID),
                wf -> status(task(wf, "wk-slow", "s1")).equals("IN_PROGRESS")
                        && first.descendants().stream().anyMatch(p -> It.describe(p).contains("sleep " + SLEEP_SECONDS)));
        assertThat(busy.path("status").asString()).isEqualTo("RUNNING");
        assertThat(status(work(busy, "wk-quick"))).isEqualTo("COMPLETED");
        first.handle().children().filter(It::isRunning).forEach(child -> agentTree.addAll(It.tree(child)));
        assertThat(agentTree).as("the agent and its sleep").anySatisfy(p -> assertThat(It.describe(p)).contains("sleep " + SLEEP_SECONDS));

        // 2. SIGTERM. While the server still answers, /ready says 503 DOWN and a start is refused.
        long signalled = System.nanoTime();
        first.terminate();
        ShutdownObservations seen = observeShutdown(first);
        int exitCode = first.awaitExit(SHUTDOWN_TIMEOUT.plusSeconds(30)); // the bound is checked just below, not here
        Duration tookToExit = Duration.ofNanos(System.nanoTime() - signalled);
        String log1 = first.logText();

        assertThat(exitCode).as("exit code after SIGTERM; log:\n%s", log1).isEqualTo(EXIT_CODE_AFTER_SIGTERM);
        assertThat(tookToExit).as("exited within SHUTDOWN_TIMEOUT_MS").isLessThanOrEqualTo(SHUTDOWN_TIMEOUT);
        assertThat(eventsInOrder(log1)).as("shutdown steps in the log")
                .containsSubsequence("ShutdownStarted", "WorkflowsPaused", "EventHandlersDrained", "ShutdownCompleted");
        assertThat(agentTree).as("agent processes after the exit").noneMatch(It::isRunning);
        for (HttpResponse<String> ready : seen.readyDown()) {
            assertThat(JSON.readTree(ready.body()).path("status").asString()).isEqualTo("DOWN");
        }
        for (HttpResponse<String> refused : seen.startsRefused()) {
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        }
        System.out.printf("shutdown seen from outside: %d x /ready 503, %d start(s) refused, exit %d after %d ms%n",
                seen.readyDown().size(), seen.startsRefused().size(), exitCode, tookToExit.toMillis());

        // 3. The state saved: the spec file shows the pause (written before the server exited).
        String specFile = Files.readString(data.resolve("specs/active").resolve(ID + ".yaml"));
        assertThat(specFile.lines()).as(specFile).contains("status: paused");
        assertThat(specFile).as("no task left in progress").doesNotContain("in-progress");

        // 4. Restarted (the agent now sleeps 0 s): the workflow is PAUSED, its slow work back to PENDING, and the
        //    start tried during the shutdown never happened.
        ServerProcess second = start(data, "server-2.log", Map.of("BATON_AGENT_PROFILES", profiles.toString()));
        JsonNode paused = second.workflow(ID);
        assertThat(paused.path("status").asString()).isEqualTo("PAUSED");
        assertThat(status(work(paused, "wk-quick"))).isEqualTo("COMPLETED");
        assertThat(status(work(paused, "wk-slow"))).isEqualTo("PENDING");
        assertThat(status(task(paused, "wk-slow", "s1"))).isEqualTo("PENDING");
        assertThat(second.workflow(WAITING_ID).path("status").asString()).isEqualTo("CREATED");

        // 5. Resume: COMPLETED, and the work completed before the shutdown did not run again.
        second.act(ID, "resume");
        JsonNode done = It.await("workflow " + ID + " to end", It.TIMEOUT, () -> second.workflow(ID),
                wf -> Stream.of("COMPLETED", "FAILED", "CANCELLED", "PAUSED").anyMatch(s -> s.equals(wf.path("status").asString())));
        assertThat(done.path("status").asString()).as("status (error: %s)", done.path("error")).isEqualTo("COMPLETED");
        assertThat(task(done, "wk-quick", "q1").path("attempts").asInt()).isEqualTo(1);
        List<JsonNode> events = second.events(ID);
        assertThat(events.stream().filter(e -> e.path("type").asString().equals("QuerySent")).map(e -> e.path("payload").path("taskId").asString()))
                .as("queries sent: q1 once, s1 before and after the shutdown").containsExactly("q1", "s1", "s1");
        assertThat(second.get("/api/v1/workflows/" + ID + "/reports").valueStream().map(r -> r.path("taskId").asString()))
                .as("one report per answered task").containsExactlyInAnyOrder("q1", "s1");
        assertThat(Files.readAllLines(data.resolve("worktrees").resolve(ID).resolve("app/one.txt"))).containsExactly("one");
    }

    /** What the outside sees of the server between SIGTERM and its exit. */
    private record ShutdownObservations(List<HttpResponse<String>> readyDown, List<HttpResponse<String>> startsRefused) {
    }

    /**
     * Polls /ready until the server stops answering; after the first 503 tries once to start the waiting
     * workflow. What it sees depends on timing (the server may stop answering first), so it only collects;
     * the test checks whatever was collected.
     */
    private static ShutdownObservations observeShutdown(ServerProcess server) {
        List<HttpResponse<String>> readyDown = new ArrayList<>();
        List<HttpResponse<String>> startsRefused = new ArrayList<>();
        while (server.isAlive()) {
            try {
                HttpResponse<String> ready = server.call("GET", "/ready", null);
                if (ready.statusCode() == 503) {
                    readyDown.add(ready);
                    if (startsRefused.isEmpty()) startsRefused.add(server.call("POST", "/api/v1/workflows/" + WAITING_ID + "/start", null));
                } else if (!readyDown.isEmpty()) {
                    throw new AssertionError("/ready answered " + ready.statusCode() + " after a 503: " + ready.body());
                }
            } catch (UncheckedIOException | IllegalStateException refusedOrClosed) {
                // the web server has closed: nothing more to see
                break;
            }
            It.sleep(Duration.ofMillis(100));
        }
        return new ShutdownObservations(readyDown, startsRefused);
    }

    /** The {@code event} keys of the server's structured log lines, in order. */
    private static List<String> eventsInOrder(String log) {
        List<String> events = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"event\"\\s*:\\s*\"(\\w+)\"|\\bevent=(\\w+)").matcher(log);
        while (m.find()) events.add(m.group(1) != null ? m.group(1) : m.group(2));
        return events;
    }

    private ServerProcess start(Path data, String logName, Map<String, String> settings) {
        ServerProcess server = ServerProcess.start(data, tmp.resolve(logName), settings);
        servers.add(server);
        return server.awaitReady();
    }
}
