package dev.baton.cli.client;

import dev.baton.cli.FixtureServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatonClientTest {

    private final FixtureServer server = FixtureServer.start();
    private final BatonClient client = new BatonClient(URI.create(server.url()), " tok ", Duration.ofSeconds(5), "baton-cli/test");

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void decodesAWorkflowIgnoringFieldsItDoesNotKnow() {
        server.answer("GET", "/api/v1/workflows/wf-7f3a", 200, "workflow-completed.json");

        Reply<WorkflowView> reply = client.workflow("wf-7f3a");

        WorkflowView wf = reply.value();
        assertThat(wf.status()).isEqualTo("COMPLETED");
        assertThat(wf.finishedAt()).isEqualTo(Instant.parse("2025-01-02T12:00:08.300Z"));
        assertThat(wf.works()).extracting(WorkflowView.WorkView::id).containsExactly("wk-plan", "wk-build");
        assertThat(wf.works().getFirst().tasks().get(1).attempts()).isEqualTo(2);
        assertThat(wf.tasksDone()).isEqualTo(3);
        assertThat(reply.json().has("someFieldFromANewerServer")).isTrue();
        FixtureServer.Request request = server.single("GET", "/api/v1/workflows/wf-7f3a");
        assertThat(request.header("Authorization")).isEqualTo("Bearer tok");
        assertThat(request.header("User-Agent")).isEqualTo("baton-cli/test");
    }

    @Test
    void parsesEventPayloadsSentAsJsonText() {
        server.answer("GET", "/api/v1/workflows/wf-7f3a/events", 200, "events-completed-page2.json");

        List<EventView> events = client.events("wf-7f3a", 6, 500).value();

        EventView checkpoint = events.getFirst();
        assertThat(checkpoint.sequence()).isEqualTo(7);
        assertThat(checkpoint.payload().isObject()).isTrue();
        assertThat(checkpoint.payload().path("commits").path("app").asString()).startsWith("abc1234");
        assertThat(events.getLast().number("durationMs", -1)).isEqualTo(8300);
        assertThat(events.getLast().text("missing")).isNull();
    }

    @Test
    void escapesIdsInPaths() {
        server.answer("GET", "/api/v1/workflows/a b/checkpoints", 200, "empty-array.json");

        assertThat(client.checkpoints("a b").value()).isEmpty();
    }

    @Test
    void readsReportsAndTheirMarkdown() {
        server.answer("GET", "/api/v1/workflows/wf-7f3a/reports", 200, "reports.json")
                .answer("GET", "/api/v1/workflows/wf-7f3a/reports/rp-1", 200, "report.md");

        assertThat(client.reports("wf-7f3a").value()).extracting(ReportView::taskId).containsExactly("TASK-001", "TASK-002", "tk-3");
        assertThat(client.reportContent("wf-7f3a", "rp-1")).startsWith("# TASK-001");
    }

    @Test
    void anErrorWithoutProblemJsonStillCarriesTheStatusAndText() {
        server.answer("GET", "/api/v1/workflows", 502, "not-json.txt");

        assertThatThrownBy(() -> client.listWorkflows(new WorkflowQuery(List.of(), null, 50, 0)))
                .isInstanceOfSatisfying(BatonApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.problem().summary()).isEqualTo("not json at all");
                });
    }

    @Test
    void aSuccessfulButUnreadableAnswerIsABadResponse() {
        server.answer("GET", "/api/v1/workflows/wf-7f3a", 200, "not-json.txt");

        assertThatThrownBy(() -> client.workflow("wf-7f3a"))
                .isInstanceOf(BadResponseException.class)
                .hasMessageContaining("GET /api/v1/workflows/wf-7f3a");
    }

    @Test
    void problemsOfACreatedSpecFallBackToTheLocalFileName() {
        server.answer("POST", "/api/v1/workflows", 400, "problem-invalid-spec.json");

        assertThatThrownBy(() -> client.createWorkflow(new byte[0], "application/yaml", true, Path.of("specs/x.yaml")))
                .isInstanceOfSatisfying(BatonApiException.class, e -> {
                    assertThat(e.fallbackFile()).isEqualTo(Path.of("specs/x.yaml").toString());
                    assertThat(e.problem().problems()).hasSize(2);
                    assertThat(e.problem().code()).isEqualTo("spec.invalid");
                });
    }

    @Test
    void connectionRefusedIsServerUnreachable() {
        server.close();

        assertThatThrownBy(() -> client.workflow("wf-7f3a"))
                .isInstanceOf(ServerUnreachableException.class)
                .hasMessageContaining("cannot reach the Baton server at " + server.url());
    }
}
