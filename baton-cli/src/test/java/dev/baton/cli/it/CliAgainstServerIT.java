package dev.baton.cli.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real CLI ({@code java -jar baton.jar …}) against a real server process: output and exit codes as a
 * script sees them (0 ok, 1 followed workflow FAILED, 2 usage, 3 not found, 4 conflict, 5 invalid spec,
 * 6 no server). One server for the whole class; each test works on workflows of its own.
 */
class CliAgainstServerIT {
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration FOLLOW_TIMEOUT = Duration.ofSeconds(180);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path tmp;
    static ServerProcess server;

    @BeforeAll
    static void startServer() {
        Path data = tmp.resolve("data");
        It.initRepository(data.resolve("git/app"), "README.md", "app\n");
        server = ServerProcess.start(data, tmp.resolve("server.log"), Map.of());
        server.awaitReady();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
    }

    // ---- run --follow ------------------------------------------------------------------------------------

    @Test
    void runFollowPrintsEachEventAndASummaryThenShowDisplaysTheWorkflow() throws IOException {
        Path spec = spec("wf-cli-follow", "CLI follow", """
                  - id: t1
                    work: wk-1
                    query: "write app/cli.txt hello from the CLI"
                  - id: t2
                    work: wk-1
                    query: |
                      echo first line
                      echo second line
                """);

        It.CliResult run = baton("run", spec.toString(), "--follow", "--server", server.url());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<String> out = run.out().lines().toList();
        assertThat(out.getFirst()).as(run.toString()).isEqualTo("wf-cli-follow  CLI follow (1 works, 2 tasks)");
        assertThat(run.out()).as(run.toString()).contains("WorkflowStarted", "WorkStarted wk-1 (1/1)", "QuerySent wk-1/t1",
                "QueryResponded wk-1/t1 exit=0", "ReportGenerated", "CheckpointCreated", "WorkflowCompleted",
                "wf-cli-follow COMPLETED after", "1/1 completed", "2/2 completed");
        assertThat(server.workflow("wf-cli-follow").path("status").asString()).isEqualTo("COMPLETED");

        It.CliResult show = baton("workflow", "show", "wf-cli-follow", "--server", server.url());
        assertThat(show.exitCode()).as(show.toString()).isZero();
        assertThat(show.out().lines().findFirst().orElse("")).isEqualTo("wf-cli-follow  CLI follow");
        assertThat(show.out()).as(show.toString()).contains("COMPLETED", "Works (1/1 completed, tasks 2/2)", "1. wk-1",
                "t1", "t2", "exit=0", "Checkpoints (2)", "Reports (2)",
                "app (" + server.dataDir.resolve("git/app") + ")"); // a plain path, not a file:// URI

        It.CliResult json = baton("workflow", "show", "wf-cli-follow", "--output", "json", "--server", server.url());
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode wf = JSON.readTree(json.out());
        assertThat(wf.path("id").asString()).isEqualTo("wf-cli-follow");
        assertThat(wf.path("status").asString()).isEqualTo("COMPLETED");
        assertThat(wf.path("reports").valueStream().map(r -> r.path("taskId").asString())).containsExactly("t1", "t2");
        assertThat(wf.path("checkpoints").valueStream().map(c -> c.path("workId").asString())).containsExactlyInAnyOrder("base", "wk-1");
    }

    @Test
    void aFollowedWorkflowThatFailsExitsWithOne() throws IOException {
        Path spec = spec("wf-cli-fail", "CLI failure", """
                  - id: t1
                    work: wk-1
                    query: "fail 3 the linter exploded"
                """);

        It.CliResult run = baton("run", spec.toString(), "--follow", "--server", server.url());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).as(run.toString()).contains("TaskFailed wk-1/t1", "the linter exploded", "WorkflowFailed",
                "wf-cli-fail FAILED after", "Details: baton workflow show wf-cli-fail");
        assertThat(server.workflow("wf-cli-fail").path("status").asString()).isEqualTo("FAILED");
    }

    // ---- list -----------------------------------------------------------------------------------------------

    @Test
    void listShowsWorkflowsAsATableAndAsJson() throws IOException {
        Path spec = spec("wf-cli-list", "CLI list", """
                  - id: t1
                    work: wk-1
                    query: "echo listed"
                """);
        It.CliResult run = baton("run", spec.toString(), "--server", server.url());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).as("only the id on stdout, for scripts").isEqualTo("wf-cli-list\n");
        assertThat(run.err()).contains("created 'CLI list' (1 works, 1 tasks)", "baton workflow show wf-cli-list");
        awaitStatus("wf-cli-list", "COMPLETED");

        It.CliResult table = baton("workflow", "list", "--server", server.url());
        assertThat(table.exitCode()).as(table.toString()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines.getFirst()).as(table.toString()).containsSubsequence("ID", "NAME", "STATUS", "WORKS", "TASKS", "CREATED", "UPDATED");
        assertThat(lines).as(table.toString()).anySatisfy(l -> assertThat(l).startsWith("wf-cli-list ")
                .containsSubsequence("CLI list", "COMPLETED", "1/1", "1/1"));

        // BATON_SERVER instead of --server; JSON for scripts.
        It.CliResult json = It.cli(tmp, Map.of("BATON_SERVER", server.url()), CLI_TIMEOUT, "workflow", "list", "--output", "json");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode page = JSON.readTree(json.out());
        assertThat(page.path("items").valueStream().filter(w -> w.path("id").asString().equals("wf-cli-list"))
                .map(w -> w.path("status").asString())).containsExactly("COMPLETED");

        It.CliResult filtered = baton("workflow", "list", "--status", "COMPLETED", "--name", "CLI list", "-o", "json", "--server", server.url());
        assertThat(filtered.exitCode()).as(filtered.toString()).isZero();
        assertThat(JSON.readTree(filtered.out()).path("items").valueStream().map(w -> w.path("id").asString())).containsExactly("wf-cli-list");
    }

    // ---- pause / resume / cancel ---------------------------------------------------------------------------

    @Test
    void pauseResumeAndCancelARunningWorkflow() throws IOException {
        Path spec = spec("wf-cli-steer", "CLI steering", """
                  - id: t1
                    work: wk-1
                    query: "sleep 300"
                """);
        assertThat(baton("run", spec.toString(), "--server", server.url()).exitCode()).isZero();
        awaitAgentBusy("wf-cli-steer");

        It.CliResult pause = baton("workflow", "pause", "wf-cli-steer", "--server", server.url());
        assertThat(pause.exitCode()).as(pause.toString()).isZero();
        assertThat(pause.out()).isEqualTo("wf-cli-steer → PAUSED\n");
        assertThat(server.workflow("wf-cli-steer").path("status").asString()).isEqualTo("PAUSED");
        awaitNoAgentSleeping();

        It.CliResult again = baton("workflow", "pause", "wf-cli-steer", "--server", server.url());
        assertThat(again.exitCode()).as("pausing a PAUSED workflow is a conflict: " + again).isEqualTo(4);
        assertThat(again.err()).contains("error:", "HTTP 409");

        It.CliResult resume = baton("workflow", "resume", "wf-cli-steer", "--server", server.url());
        assertThat(resume.exitCode()).as(resume.toString()).isZero();
        assertThat(resume.out()).isEqualTo("wf-cli-steer → RUNNING\n");
        awaitAgentBusy("wf-cli-steer");

        It.CliResult cancel = baton("workflow", "cancel", "wf-cli-steer", "--server", server.url());
        assertThat(cancel.exitCode()).as(cancel.toString()).isZero();
        assertThat(cancel.out()).isEqualTo("wf-cli-steer → CANCELLED\n");
        JsonNode wf = server.workflow("wf-cli-steer");
        assertThat(wf.path("status").asString()).isEqualTo("CANCELLED");
        assertThat(wf.path("works").get(0).path("tasks").get(0).path("status").asString()).isEqualTo("CANCELLED");
        awaitNoAgentSleeping();

        It.CliResult resumeCancelled = baton("workflow", "resume", "wf-cli-steer", "--server", server.url());
        assertThat(resumeCancelled.exitCode()).as("a cancelled workflow cannot be resumed: " + resumeCancelled).isEqualTo(4);
    }

    // ---- delete ---------------------------------------------------------------------------------------------

    @Test
    void deleteNeedsYesWithoutATerminalAndRemovesEverything() throws IOException {
        Path spec = spec("wf-cli-delete", "CLI delete", """
                  - id: t1
                    work: wk-1
                    query: "write app/gone.txt soon deleted"
                """);
        assertThat(baton("run", spec.toString(), "--follow", "--server", server.url()).exitCode()).isZero();
        assertThat(server.dataDir.resolve("worktrees/wf-cli-delete/app")).isDirectory();

        It.CliResult refused = baton("workflow", "delete", "wf-cli-delete", "--server", server.url());
        assertThat(refused.exitCode()).as("stdin is not a terminal: " + refused).isEqualTo(2);
        assertThat(refused.err()).contains("--yes");
        assertThat(server.workflow("wf-cli-delete").path("status").asString()).isEqualTo("COMPLETED");

        It.CliResult delete = baton("workflow", "delete", "wf-cli-delete", "--yes", "--server", server.url());
        assertThat(delete.exitCode()).as(delete.toString()).isZero();
        assertThat(delete.out()).isEqualTo("wf-cli-delete deleted\n");
        assertThat(server.status("GET", "/api/v1/workflows/wf-cli-delete")).isEqualTo(404);
        assertThat(server.dataDir.resolve("worktrees/wf-cli-delete")).doesNotExist();
        assertThat(server.dataDir.resolve("specs/active/wf-cli-delete.yaml")).doesNotExist();
        assertThat(It.git(server.dataDir.resolve("git/app"), "branch", "--list", "baton/wf-cli-delete")).isEmpty();

        It.CliResult show = baton("workflow", "show", "wf-cli-delete", "--server", server.url());
        assertThat(show.exitCode()).as(show.toString()).isEqualTo(3);
    }

    // ---- errors ---------------------------------------------------------------------------------------------

    @Test
    void anUnknownIdExitsWithThree() {
        for (List<String> command : List.of(List.of("show"), List.of("pause"), List.of("resume"), List.of("cancel"), List.of("delete", "--yes"))) {
            String[] args = new String[command.size() + 4];
            args[0] = "workflow";
            args[1] = command.getFirst();
            args[2] = "wf-no-such-workflow";
            for (int i = 1; i < command.size(); i++) args[2 + i] = command.get(i);
            args[args.length - 2] = "--server";
            args[args.length - 1] = server.url();
            It.CliResult r = baton(args);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
            assertThat(r.err()).as(r.toString()).startsWith("error: ").contains("wf-no-such-workflow", "HTTP 404");
            assertThat(r.out()).as(r.toString()).isEmpty();
        }
    }

    @Test
    void anInvalidSpecExitsWithFiveAndPointsAtFileLineAndColumn() throws IOException {
        Path spec = tmp.resolve("specs/bad.yaml");
        Files.createDirectories(spec.getParent());
        Files.writeString(spec, """
                id: wf-cli-invalid
                name: Invalid spec
                repositories:
                  - name: app
                    path: app
                works:
                  - id: wk-1
                    name: Only work
                    agent: no-such-agent
                tasks:
                  - id: t1
                    work: wk-1
                    query: "echo never"
                """);

        // The path as the user typed it (relative to the working directory).
        It.CliResult r = baton("run", "specs/bad.yaml", "--server", server.url());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).as(r.toString()).contains("HTTP 400");
        // file:line:column: field: message, the file being the user's spec file (as typed or absolute), line 9.
        Pattern located = Pattern.compile("^(" + Pattern.quote("specs/bad.yaml") + "|" + Pattern.quote(spec.toString())
                + "):9:\\d+: works\\[0]\\.agent: unknown agent profile 'no-such-agent'.*");
        assertThat(r.err().lines()).as(r.toString()).anyMatch(l -> located.matcher(l).matches());
        assertThat(server.status("GET", "/api/v1/workflows/wf-cli-invalid")).isEqualTo(404);
    }

    @Test
    void noServerListeningExitsWithSix() throws IOException {
        String nowhere = "http://localhost:" + It.freePort();
        Path spec = spec("wf-cli-nowhere", "CLI nowhere", """
                  - id: t1
                    work: wk-1
                    query: "echo never"
                """);
        for (String[] args : List.of(new String[]{"workflow", "list", "--server", nowhere},
                new String[]{"run", spec.toString(), "--follow", "--server", nowhere})) {
            It.CliResult r = baton(args);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(6);
            assertThat(r.err()).as(r.toString()).contains("error: ", "Is the server running?");
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static It.CliResult baton(String... args) {
        boolean follows = List.of(args).contains("--follow");
        return It.cli(tmp, Map.of(), follows ? FOLLOW_TIMEOUT : CLI_TIMEOUT, args);
    }

    /** A spec with one repository (app) and one scripted work wk-1, with the given tasks. */
    private static Path spec(String id, String name, String tasks) throws IOException {
        Path file = tmp.resolve("specs").resolve(id + ".yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                id: %s
                name: %s
                repositories:
                  - name: app
                    path: app
                works:
                  - id: wk-1
                    name: Only work
                    agent: scripted
                tasks:
                %s""".formatted(id, name, tasks));
        return file;
    }

    private static void awaitStatus(String id, String status) {
        It.await(id + " to be " + status, It.TIMEOUT, () -> server.workflow(id).path("status").asString(), status::equals);
    }

    private static void awaitAgentBusy(String id) {
        It.await(id + " RUNNING with its agent sleeping", It.TIMEOUT, () -> server.workflow(id),
                wf -> wf.path("status").asString().equals("RUNNING")
                        && wf.path("works").get(0).path("tasks").get(0).path("status").asString().equals("IN_PROGRESS")
                        && server.descendants().stream().anyMatch(p -> It.describe(p).contains("sleep 300")));
    }

    private static void awaitNoAgentSleeping() {
        It.await("the agent's process tree to be gone", It.TIMEOUT,
                () -> server.descendants().stream().map(It::describe).filter(d -> d.contains("sleep 300")).toList(), List::isEmpty);
    }
}
