package dev.baton.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class WorkflowCommandsTest {

    private static final String WORKFLOWS = "/api/v1/workflows";
    private static final String WF = WORKFLOWS + "/wf-7f3a";

    private final FixtureServer server = FixtureServer.start();
    private final CliRunner cli = CliRunner.against(server);

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void listPrintsAnAlignedTable() {
        server.answer("GET", WORKFLOWS, 200, "workflow-list.json");

        CliRunner.Result result = cli.run("workflow", "list");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                ID       NAME              STATUS     WORKS  TASKS  CREATED           UPDATED
                wf-7f3a  nightly refactor  COMPLETED  2/2    3/3    2025-01-02 12:00  2025-01-02 12:00
                wf-01b9  docs sweep        PAUSED     0/1    1/2    2025-01-01 09:30  2025-01-01 10:15
                """);
        FixtureServer.Request get = server.single("GET", WORKFLOWS);
        assertThat(get.query()).containsEntry("limit", "50").containsEntry("offset", "0")
                .doesNotContainKeys("status", "name");
        assertThat(get.header("Accept")).contains("application/json");
    }

    @Test
    void listPassesFiltersAsQueryParameters() {
        server.answer("GET", WORKFLOWS, 200, "workflow-list-empty.json");

        CliRunner.Result result = cli.run("workflow", "list", "--status", "running,PAUSED", "--name", "night ly",
                "--limit", "10", "--offset", "20");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("No workflows match.\n");
        assertThat(server.single("GET", WORKFLOWS).query()).containsEntry("status", "RUNNING,PAUSED")
                .containsEntry("name", "night ly").containsEntry("limit", "10").containsEntry("offset", "20");
    }

    @Test
    void listSaysHowToStartWhenThereAreNoWorkflows() {
        server.answer("GET", WORKFLOWS, 200, "workflow-list-empty.json");

        assertThat(cli.run("workflow", "list").out()).contains("No workflows yet", "baton run SPEC");
    }

    @Test
    void listHintsAtTheNextPageWhenItIsFull() {
        server.answer("GET", WORKFLOWS, 200, "workflow-list.json");

        CliRunner.Result result = cli.run("workflow", "list", "--limit", "2");

        assertThat(result.err()).contains("2 shown; more may follow: --offset 2");
    }

    @Test
    void listWithJsonOutputPrintsTheServersJson() {
        server.answer("GET", WORKFLOWS, 200, "workflow-list.json");

        CliRunner.Result result = cli.run("workflow", "list", "--output", "json");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("{").contains("\"items\" : [", "\"id\" : \"wf-01b9\"", "\"limit\" : 50");
    }

    @Test
    void showPrintsHeaderTreeCheckpointsAndReports() {
        server.answer("GET", WF, 200, "workflow-failed.json")
                .answer("GET", WF + "/reports", 200, "reports.json")
                .answer("GET", WF + "/checkpoints", 200, "checkpoints.json");

        CliRunner.Result result = cli.run("workflow", "show", "wf-7f3a");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                wf-7f3a  nightly refactor
                  status        FAILED
                  created       2025-01-02 12:00:00
                  started       2025-01-02 12:00:00
                  finished      2025-01-02 12:00:02
                  duration      2.1s
                  repositories  app (/srv/git/app), docs (/srv/git/docs)
                  spec          /home/dev/specs/nightly.yaml
                  correlation   c-91d2
                  error         work wk-plan failed: task TASK-001 failed

                Works (0/2 completed, tasks 0/3)
                  WORK / TASK     NAME / QUERY                   STATUS   TIME  DETAIL
                  1. wk-plan      plan                           FAILED   1.0s  claude/opus  error: task TASK-001 failed
                     ├─ TASK-001  Write a plan for the refactor  FAILED   1.0s  exit=1  error: agent exited with status 1
                     └─ TASK-002  Review the plan…               PENDING  -
                  2. wk-build     build                          PENDING  -     codex
                     └─ tk-3      Implement the plan             PENDING  -

                Checkpoints (2)
                  ID    WORK      REPOSITORY  COMMIT   VALID                           CREATED
                  cp-1  wk-plan   app         abc1234  yes                             2025-01-02 12:00:04
                  cp-2  wk-build  app         9f8e7d6  no (since 2025-01-02 12:30:00)  2025-01-02 12:00:08

                Reports (3)
                  ID    WORK      TASK      PATH                         CREATED
                  rp-1  wk-plan   TASK-001  reports/wf-7f3a/TASK-001.md  2025-01-02 12:00:02
                  rp-2  wk-plan   TASK-002  reports/wf-7f3a/TASK-002.md  2025-01-02 12:00:04
                  rp-3  wk-build  tk-3      reports/wf-7f3a/tk-3.md      2025-01-02 12:00:08
                """);
    }

    @Test
    void showMarksRunningTimingsAsOngoing() {
        server.answer("GET", WF, 200, "workflow-created.json")
                .answer("GET", WF + "/reports", 200, "empty-array.json")
                .answer("GET", WF + "/checkpoints", 200, "empty-array.json");

        CliRunner.Result result = cli.run("workflow", "show", "wf-7f3a");

        assertThat(result.out()).contains("duration      10.0s…", "Checkpoints (0)", "Reports (0)");
    }

    @Test
    void showWithJsonOutputAddsReportsAndCheckpointsToTheWorkflow() {
        server.answer("GET", WF, 200, "workflow-completed.json")
                .answer("GET", WF + "/reports", 200, "reports.json")
                .answer("GET", WF + "/checkpoints", 200, "checkpoints.json");

        CliRunner.Result result = cli.run("workflow", "show", "wf-7f3a", "-o", "json");

        assertThat(result.out()).contains("\"status\" : \"COMPLETED\"", "\"reports\" : [", "\"rp-3\"",
                "\"checkpoints\" : [", "\"cp-2\"");
    }

    @Test
    void anUnknownIdExitsWithThree() {
        server.answer("GET", WORKFLOWS + "/wf-nope", 404, "problem-not-found.json");

        CliRunner.Result result = cli.run("workflow", "show", "wf-nope");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(result.err()).isEqualTo("error: workflow wf-nope does not exist (HTTP 404, workflow.not-found)\n");
        assertThat(result.out()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "start,  workflow-created.json,   RUNNING",
            "pause,  workflow-paused.json,    PAUSED",
            "resume, workflow-created.json,   RUNNING",
            "cancel, workflow-cancelled.json, CANCELLED"})
    void transitionsPostTheActionAndPrintTheNewStatus(String action, String fixture, String status) {
        server.answer("POST", WF + "/" + action, 200, fixture);

        CliRunner.Result result = cli.run("workflow", action, "wf-7f3a", "--token", "t0k");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("wf-7f3a → " + status + "\n");
        assertThat(server.single("POST", WF + "/" + action).header("Authorization")).isEqualTo("Bearer t0k");
    }

    @Test
    void aTransitionTheStateForbidsExitsWithFour() {
        server.answer("POST", WF + "/pause", 409, "problem-conflict.json");

        CliRunner.Result result = cli.run("workflow", "pause", "wf-7f3a");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.CONFLICT);
        assertThat(result.err()).contains("workflow wf-7f3a is COMPLETED and cannot be paused (HTTP 409");
    }

    @Test
    void aTransitionWithJsonOutputPrintsTheWorkflow() {
        server.answer("POST", WF + "/cancel", 200, "workflow-cancelled.json");

        assertThat(cli.run("workflow", "cancel", "wf-7f3a", "-o", "json").out()).contains("\"status\" : \"CANCELLED\"");
    }

    @Test
    void deleteWithYesDeletesWithoutAsking() {
        server.answer("DELETE", WF, 204, null);

        CliRunner.Result result = cli.run("workflow", "delete", "wf-7f3a", "--yes");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("wf-7f3a deleted\n");
        assertThat(server.requests()).extracting(FixtureServer.Request::method).containsExactly("DELETE");
    }

    @Test
    void deleteRefusesWithoutConfirmationWhenStdinIsNotATerminal() {
        CliRunner.Result result = cli.run("workflow", "delete", "wf-7f3a");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("refusing to delete wf-7f3a", "not a terminal", "--yes");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void deleteAsksOnATerminalAndDeletesOnYes() {
        server.answer("GET", WF, 200, "workflow-completed.json").answer("DELETE", WF, 204, null);

        CliRunner.Result result = cli.interactive("y\n").run("workflow", "delete", "wf-7f3a");

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).contains("Delete workflow wf-7f3a 'nightly refactor' (COMPLETED)?", "[y/N]");
        assertThat(server.requests("DELETE", WF)).hasSize(1);
    }

    @Test
    void deleteAsksOnATerminalAndKeepsTheWorkflowOnAnythingElse() {
        server.answer("GET", WF, 200, "workflow-completed.json");

        CliRunner.Result result = cli.interactive("\n").run("workflow", "delete", "wf-7f3a");

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).contains("Not deleted.");
        assertThat(server.requests("DELETE", WF)).isEmpty();
    }

    @Test
    void deleteWithJsonOutputConfirmsInJson() {
        server.answer("DELETE", WF, 204, null);

        assertThat(cli.run("workflow", "delete", "wf-7f3a", "-y", "-o", "json").out())
                .contains("\"id\" : \"wf-7f3a\"", "\"deleted\" : true");
    }

    @Test
    void reorderPostsTheWorkIdsAndPrintsTheNewOrder() {
        server.answer("POST", WF + "/reorder", 200, "workflow-reordered.json");

        CliRunner.Result result = cli.run("workflow", "reorder", "wf-7f3a", "wk-build", "wk-plan");

        assertThat(result.exitCode()).isZero();
        FixtureServer.Request post = server.single("POST", WF + "/reorder");
        assertThat(post.header("Content-Type")).isEqualTo("application/json");
        assertThat(post.body()).isEqualTo("{\"workIds\":[\"wk-build\",\"wk-plan\"]}");
        assertThat(result.out()).isEqualTo("""
                wf-7f3a works reordered:
                  #  WORK      NAME   STATUS
                  1  wk-build  build  PENDING
                  2  wk-plan   plan   FAILED
                """);
    }

    @Test
    void anInvalidReorderExitsWithFiveAndPrintsTheProblems() {
        server.answer("POST", WF + "/reorder", 422, "problem-unprocessable.json");

        CliRunner.Result result = cli.run("workflow", "reorder", "wf-7f3a", "wk-build");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(result.err().lines()).containsExactly(
                "error: workIds must list every work of wf-7f3a exactly once (HTTP 422, reorder.invalid)",
                "workIds: missing wk-plan");
    }

    @Test
    void aServerErrorExitsWithSix() {
        server.answer("GET", WORKFLOWS, 500, "problem-server-error.json");

        CliRunner.Result result = cli.run("workflow", "list");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(result.err()).contains("database is locked (HTTP 500)", "its log has the details");
    }

    @Test
    void aRejectedTokenExitsWithFiveAndMentionsTheTokenOptions() {
        server.answer("GET", WORKFLOWS, 401, "problem-unauthorized.json");

        CliRunner.Result result = cli.run("workflow", "list");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(result.err()).contains("missing or invalid bearer token (HTTP 401)", "--token", "BATON_TOKEN");
    }

    @Test
    void theServerUrlComesFromPortWhenBatonServerIsUnset() {
        server.answer("GET", WORKFLOWS, 200, "workflow-list-empty.json");

        CliRunner.Result result = new CliRunner().env("PORT", Integer.toString(server.port()))
                .env("BATON_TOKEN", "from-env").run("workflow", "list");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(server.single("GET", WORKFLOWS).header("Authorization")).isEqualTo("Bearer from-env");
    }

    @Test
    void serverAndTokenOptionsWinOverTheEnvironmentAndAnApiSuffixIsTolerated() {
        server.answer("GET", WORKFLOWS, 200, "workflow-list-empty.json");

        CliRunner.Result result = new CliRunner().env("BATON_SERVER", "http://127.0.0.1:1").env("BATON_TOKEN", "env")
                .run("workflow", "list", "--server", server.url() + "/api/v1/", "--token", "flag");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(server.single("GET", WORKFLOWS).header("Authorization")).isEqualTo("Bearer flag");
    }
}
