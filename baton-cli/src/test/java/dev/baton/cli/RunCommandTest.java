package dev.baton.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RunCommandTest {

    private static final String WORKFLOWS = "/api/v1/workflows";
    private static final String WF = WORKFLOWS + "/wf-7f3a";

    private final FixtureServer server = FixtureServer.start();
    private final CliRunner cli = CliRunner.against(server);

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        server.close();
    }

    private Path spec(String fixture) throws IOException {
        Path file = dir.resolve(Path.of(fixture).getFileName());
        Files.writeString(file, FixtureServer.fixture(fixture));
        return file;
    }

    @Test
    void postsTheYamlSpecAndStartsIt() throws IOException {
        server.answer("POST", WORKFLOWS, 201, "workflow-created.json");
        Path spec = spec("specs/nightly.yaml");

        CliRunner.Result result = cli.env("BATON_TOKEN", "s3cret").run("run", spec.toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("wf-7f3a\n");
        assertThat(result.err()).contains("created 'nightly refactor' (2 works, 3 tasks), now RUNNING",
                "baton workflow show wf-7f3a");
        FixtureServer.Request post = server.single("POST", WORKFLOWS);
        assertThat(post.query()).containsEntry("start", "true");
        assertThat(post.header("Content-Type")).isEqualTo("application/yaml");
        assertThat(post.header("Authorization")).isEqualTo("Bearer s3cret");
        assertThat(post.header("X-Spec-File")).isEqualTo(spec.toString());
        assertThat(post.body()).isEqualTo(FixtureServer.fixture("specs/nightly.yaml"));
    }

    @Test
    void sendsJsonSpecsAsJsonAndNoTokenWhenNoneIsSet() throws IOException {
        server.answer("POST", WORKFLOWS, 201, "workflow-created.json");

        CliRunner.Result result = cli.run("run", spec("specs/nightly.json").toString());

        assertThat(result.exitCode()).isZero();
        FixtureServer.Request post = server.single("POST", WORKFLOWS);
        assertThat(post.header("Content-Type")).isEqualTo("application/json");
        assertThat(post.header("Authorization")).isNull();
    }

    @Test
    void noStartOnlyCreates() throws IOException {
        server.answer("POST", WORKFLOWS, 201, "workflow-created-not-started.json");

        CliRunner.Result result = cli.run("run", "--no-start", spec("specs/nightly.yaml").toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).contains("now CREATED");
        assertThat(server.single("POST", WORKFLOWS).query()).doesNotContainKey("start");
    }

    @Test
    void jsonOutputPrintsTheServersWorkflowJson() throws IOException {
        server.answer("POST", WORKFLOWS, 201, "workflow-created.json");

        CliRunner.Result result = cli.run("run", "-o", "json", spec("specs/nightly.yaml").toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("\"id\" : \"wf-7f3a\"", "\"someFieldFromANewerServer\"");
    }

    @Test
    void aMissingSpecFileIsNamedAndNothingIsSent() {
        CliRunner.Result result = cli.run("run", dir.resolve("nope.yaml").toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("spec file not found: " + dir.resolve("nope.yaml"));
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void aDirectoryIsNotASpecFile() {
        CliRunner.Result result = cli.run("run", dir.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("spec file " + dir + " is a directory");
    }

    @Test
    void anInvalidSpecPrintsEachProblemAsFileLineColumnAndExitsWithFive() throws IOException {
        server.answer("POST", WORKFLOWS, 400, "problem-invalid-spec.json");
        Path spec = spec("specs/nightly.yaml");

        CliRunner.Result result = cli.run("run", spec.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(result.out()).isEmpty();
        assertThat(result.err().lines()).containsExactly(
                "error: the spec has 2 problems (HTTP 400, spec.invalid)",
                spec + ":7:5: works[0].agent: unknown agent 'gpt'",
                "nightly.yaml:12:9: works[1].tasks[0].query: must not be blank");
    }

    @Test
    void connectionRefusedExitsWithSixAndSaysHowToStartTheServer() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        CliRunner.Result result = new CliRunner().env("PORT", Integer.toString(closedPort))
                .run("run", spec("specs/nightly.yaml").toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(result.err()).contains("cannot reach the Baton server at http://localhost:" + closedPort,
                "connection refused", "./baton server");
    }

    @Test
    void followPrintsProgressUntilCompletedThenASummaryAndExitsZero() throws IOException {
        server.answer("POST", WORKFLOWS, 201, "workflow-created.json")
                .answer("GET", WF + "/events", 200, "events-completed-page1.json")
                .answer("GET", WF + "/events", 200, "events-completed-page2.json")
                .answer("GET", WF + "/events", 200, "empty-array.json")
                .answer("GET", WF, 200, "workflow-completed.json")
                .answer("GET", WF + "/reports", 200, "reports.json")
                .answer("GET", WF + "/checkpoints", 200, "checkpoints.json");

        CliRunner.Result result = cli.run("run", "--follow", spec("specs/nightly.yaml").toString());

        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).isEqualTo("""
                wf-7f3a  nightly refactor (2 works, 3 tasks)
                12:00:00 WorkflowCreated nightly refactor (2 works, 3 tasks)
                12:00:00 WorkflowStarted
                12:00:01 WorkStarted wk-plan (1/2) plan
                12:00:01 QuerySent wk-plan/TASK-001 (29 chars)
                12:00:02 QueryResponded wk-plan/TASK-001 exit=0 1.2s
                12:00:02 ReportGenerated reports/wf-7f3a/TASK-001.md
                12:00:04 CheckpointCreated app=abc1234
                12:00:04 WorkCompleted wk-plan 3.1s
                12:00:04 WorkStarted wk-build (2/2) build
                12:00:08 QueryResponded wk-build/tk-3 exit=0 3.8s
                12:00:08 WorkCompleted wk-build 4.0s
                12:00:08 WorkflowCompleted 8.3s

                wf-7f3a COMPLETED after 8.3s
                  works        2/2 completed
                  tasks        3/3 completed
                  reports      3
                  checkpoints  2 (1 valid)
                """);
        List<FixtureServer.Request> polls = server.requests("GET", WF + "/events");
        assertThat(polls).hasSize(2);
        assertThat(polls.get(0).query()).containsEntry("after", "0").containsEntry("limit", "500");
        assertThat(polls.get(1).query()).containsEntry("after", "6");
    }

    @Test
    void followExitsWithOneWhenTheWorkflowFails() throws IOException {
        followScenario("events-failed.json", "workflow-failed.json");

        CliRunner.Result result = cli.run("run", "-f", spec("specs/nightly.yaml").toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.WORKFLOW_FAILED);
        assertThat(result.out()).contains(
                "12:00:02 QueryResponded wk-plan/TASK-001 exit=1 950ms",
                "12:00:02 TaskFailed wk-plan/TASK-001: agent exited with status 1",
                "12:00:02 WorkFailed wk-plan: task TASK-001 failed",
                "12:00:02 WorkflowFailed work wk-plan failed: task TASK-001 failed",
                "wf-7f3a FAILED after 2.1s",
                "tasks        0/3 completed",
                "error        work wk-plan failed: task TASK-001 failed",
                "resume after a fix: baton workflow resume wf-7f3a");
    }

    @Test
    void followStopsAtPauseWithZeroAndPrintsUnknownEventsRaw() throws IOException {
        followScenario("events-paused.json", "workflow-paused.json");

        CliRunner.Result result = cli.run("run", "-f", spec("specs/nightly.yaml").toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).contains("12:00:03 WorkflowPaused paused by user",
                "12:00:03 SomethingNew {", "\"detail\":\"from a newer server\"",
                "wf-7f3a PAUSED", "Resume with: baton workflow resume wf-7f3a");
    }

    @Test
    void followKeepsPollingWhileTheWorkflowRunsAfterAStopEvent() throws IOException {
        // A pause event followed by a resume the CLI has not seen yet: the status, not the event, decides.
        server.answer("POST", WORKFLOWS, 201, "workflow-created.json")
                .answer("GET", WF + "/events", 200, "events-paused.json")
                .answer("GET", WF + "/events", 200, "events-completed-page2.json")
                .answer("GET", WF + "/events", 200, "empty-array.json")
                .answer("GET", WF, 200, "workflow-created.json")
                .answer("GET", WF, 200, "workflow-completed.json")
                .answer("GET", WF + "/reports", 200, "reports.json")
                .answer("GET", WF + "/checkpoints", 200, "checkpoints.json");

        CliRunner.Result result = cli.run("run", "-f", spec("specs/nightly.yaml").toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).contains("WorkflowPaused", "WorkflowCompleted 8.3s", "wf-7f3a COMPLETED");
    }

    @Test
    void followWithJsonOutputPrintsEventsAsJsonLinesThenTheWorkflow() throws IOException {
        server.answer("POST", WORKFLOWS, 201, "workflow-created.json")
                .answer("GET", WF + "/events", 200, "events-failed.json")
                .answer("GET", WF + "/events", 200, "empty-array.json")
                .answer("GET", WF, 200, "workflow-failed.json");

        CliRunner.Result result = cli.run("run", "-f", "--output", "json", spec("specs/nightly.yaml").toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.WORKFLOW_FAILED);
        List<String> lines = result.out().lines().toList();
        assertThat(lines).hasSize(7).allSatisfy(line -> assertThat(line).startsWith("{").endsWith("}"));
        assertThat(lines.getFirst()).contains("\"sequence\":1", "\"type\":\"WorkflowStarted\"");
        assertThat(lines.getLast()).contains("\"id\":\"wf-7f3a\"", "\"status\":\"FAILED\"");
        assertThat(server.requests("GET", WF + "/reports")).isEmpty();
    }

    @Test
    void followGivesUpWithSixWhenTheServerStaysAway() throws IOException {
        server.answer("POST", WORKFLOWS, 201, "workflow-created.json")
                .answer("GET", WF + "/events", 503, "problem-server-error.json");

        CliRunner.Result result = cli.run("run", "-f", spec("specs/nightly.yaml").toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(result.err()).contains("lost the server", "retrying", "database is locked");
        assertThat(server.requests("GET", WF + "/events").size()).isGreaterThan(2);
    }

    @Test
    void followRidesOutABriefOutage() throws IOException {
        server.answer("POST", WORKFLOWS, 201, "workflow-created.json")
                .answer("GET", WF + "/events", 502, "not-json.txt")
                .answer("GET", WF + "/events", 200, "events-failed.json")
                .answer("GET", WF + "/events", 200, "empty-array.json")
                .answer("GET", WF, 200, "workflow-failed.json")
                .answer("GET", WF + "/reports", 200, "empty-array.json")
                .answer("GET", WF + "/checkpoints", 200, "empty-array.json");

        CliRunner.Result result = cli.run("run", "-f", spec("specs/nightly.yaml").toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.WORKFLOW_FAILED);
        assertThat(result.err()).contains("lost the server", "not json at all", "reconnected to " + server.url());
        assertThat(result.out()).contains("WorkflowFailed");
    }

    /** A created workflow whose events come in one batch, then nothing, ending in the given state. */
    private void followScenario(String eventsFixture, String workflowFixture) {
        server.answer("POST", WORKFLOWS, 201, "workflow-created.json")
                .answer("GET", WF + "/events", 200, eventsFixture)
                .answer("GET", WF + "/events", 200, "empty-array.json")
                .answer("GET", WF, 200, workflowFixture)
                .answer("GET", WF + "/reports", 200, "empty-array.json")
                .answer("GET", WF + "/checkpoints", 200, "empty-array.json");
    }

}
