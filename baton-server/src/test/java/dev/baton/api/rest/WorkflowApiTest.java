package dev.baton.api.rest;

import dev.baton.server.BatonApplication;
import dev.baton.api.rest.BatonServer.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.baton.api.rest.BatonServer.oneTask;
import static dev.baton.api.rest.BatonServer.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The REST API end to end over real HTTP: a real server on a random port, SQLite in a temporary data
 * folder, real git repositories and real scripted agent processes.
 */
@SpringBootTest(classes = BatonApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class WorkflowApiTest {
    private static final String WORKFLOWS = "/api/v1/workflows";

    @TempDir
    static Path dataDir;

    @LocalServerPort
    int port;

    BatonServer api;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        BatonServer.register(registry, () -> dataDir);
    }

    @BeforeAll
    static void repositories() throws Exception {
        BatonServer.gitRepository(dataDir, "app");
    }

    @BeforeEach
    void client() {
        api = new BatonServer(port);
    }

    @Test
    void createsFromYamlWith201LocationAndTheWorkflowAsJson() {
        Response r = api.post(WORKFLOWS, "application/yaml", oneTask("wf-yaml", "echo hello"), "X-Spec-File", "wf-yaml.yaml");

        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.header("Location")).endsWith("/api/v1/workflows/wf-yaml");
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode wf = r.json();
        assertThat(wf.get("id").asString()).isEqualTo("wf-yaml");
        assertThat(wf.get("name").asString()).isEqualTo("Test workflow wf-yaml");
        assertThat(wf.get("status").asString()).isEqualTo("CREATED");
        assertThat(wf.get("correlationId").asString()).startsWith("wf-yaml-");
        assertThat(wf.get("repositories").get(0).get("name").asString()).isEqualTo("app");
        JsonNode work = wf.get("works").get(0);
        assertThat(work.get("id").asString()).isEqualTo("wk-a");
        assertThat(work.get("agent").asString()).isEqualTo("scripted");
        assertThat(work.get("status").asString()).isEqualTo("PENDING");
        assertThat(work.get("tasks").get(0).get("query").asString()).isEqualTo("echo hello");
        assertThat(dataDir.resolve("specs/active/wf-yaml.yaml")).exists();

        Response one = api.get(r.header("Location"));
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().get("id").asString()).isEqualTo("wf-yaml");
        assertThat(one.json().get("works").get(0).get("tasks").size()).isEqualTo(1);
    }

    @Test
    void createsFromJson() {
        String json = """
                {"id": "wf-json", "name": "From JSON",
                 "repositories": [{"name": "app", "path": "app"}],
                 "works": [{"id": "wk-a", "name": "Only", "agent": "scripted", "model": "m1"},
                           {"id": "wk-b", "name": "Second", "agent": "noop"}],
                 "tasks": [{"id": "t1", "work": "wk-a", "query": "echo one"},
                           {"id": "t2", "work": "wk-b", "query": "echo two"}]}
                """;
        Response r = api.post(WORKFLOWS, "application/json", json);

        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.header("Location")).endsWith("/api/v1/workflows/wf-json");
        JsonNode wf = r.json();
        assertThat(wf.get("name").asString()).isEqualTo("From JSON");
        assertThat(wf.get("works")).extracting(w -> w.get("id").asString()).containsExactly("wk-a", "wk-b");
        assertThat(wf.get("works").get(0).get("model").asString()).isEqualTo("m1");
        assertThat(api.status("wf-json")).isEqualTo("CREATED");
    }

    @Test
    void createWithoutIdGetsAGeneratedOne() {
        String noId = oneTask("placeholder", "echo x").replace("id: placeholder\n", "");
        Response r = api.postYaml(noId);

        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        String id = r.json().get("id").asString();
        assertThat(id).isNotBlank();
        assertThat(r.header("Location")).endsWith("/api/v1/workflows/" + id);
        assertThat(api.get(WORKFLOWS + "/" + id).status()).isEqualTo(200);
    }

    @Test
    void listFiltersByStatusAndNameAndPages() {
        for (int i = 1; i <= 3; i++) {
            assertThat(api.postYaml(oneTask("wf-list-" + i, "echo " + i).replace("name: Test workflow wf-list-" + i, "name: Listed Alpha " + i))
                    .status()).isEqualTo(201);
        }
        Response cancelled = api.post(WORKFLOWS + "/wf-list-2/cancel");
        assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
        assertThat(cancelled.json().get("status").asString()).isEqualTo("CANCELLED");

        // name: case-insensitive "contains"; newest first.
        Response byName = api.get(WORKFLOWS + "?name=listed%20alpha");
        assertThat(byName.status()).isEqualTo(200);
        assertThat(ids(byName)).containsExactly("wf-list-3", "wf-list-2", "wf-list-1");
        assertThat(byName.json().get("limit").asInt()).isEqualTo(50);
        assertThat(byName.json().get("offset").asInt()).isZero();

        assertThat(ids(api.get(WORKFLOWS + "?name=Listed%20Alpha&status=CREATED"))).containsExactly("wf-list-3", "wf-list-1");
        assertThat(ids(api.get(WORKFLOWS + "?name=Listed%20Alpha&status=cancelled"))).containsExactly("wf-list-2");
        assertThat(ids(api.get(WORKFLOWS + "?name=Listed%20Alpha&status=CANCELLED,CREATED"))).hasSize(3);
        assertThat(ids(api.get(WORKFLOWS + "?name=Listed%20Alpha&status=COMPLETED"))).isEmpty();
        assertThat(ids(api.get(WORKFLOWS + "?status=CANCELLED"))).contains("wf-list-2").doesNotContain("wf-list-1", "wf-list-3");

        Response page = api.get(WORKFLOWS + "?name=Listed%20Alpha&limit=2&offset=1");
        assertThat(ids(page)).containsExactly("wf-list-2", "wf-list-1");
        assertThat(page.json().get("limit").asInt()).isEqualTo(2);
        assertThat(page.json().get("offset").asInt()).isEqualTo(1);
        assertThat(ids(api.get(WORKFLOWS + "?name=Listed%20Alpha&limit=1&offset=0"))).containsExactly("wf-list-3");
        assertThat(ids(api.get(WORKFLOWS + "?name=Listed%20Alpha&limit=10&offset=3"))).isEmpty();
        assertThat(ids(api.get(WORKFLOWS + "?name=no-such-workflow-name"))).isEmpty();
    }

    @Test
    void runsToCompletionWithReportsCheckpointsAndEvents() throws Exception {
        Response created = api.postYaml(spec("wf-run", """
                works:
                  - id: wk-a
                    name: First
                    agent: scripted
                  - id: wk-b
                    name: Second
                    agent: scripted-session
                tasks:
                  - id: t1
                    work: wk-a
                    query: "write app/one.txt first line"
                  - id: t2
                    work: wk-b
                    query: "write app/two.txt from the session agent"
                """));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);

        Response started = api.post(WORKFLOWS + "/wf-run/start");
        assertThat(started.status()).as(started.toString()).isEqualTo(200);
        assertThat(started.json().get("status").asString()).isIn("READY", "RUNNING", "COMPLETED");

        JsonNode done = awaitStatus("wf-run", "COMPLETED", "FAILED");
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("COMPLETED");
        assertThat(done.get("works")).allSatisfy(w -> assertThat(w.get("status").asString()).isEqualTo("COMPLETED"));
        assertThat(done.get("startedAt").isNull()).isFalse();
        assertThat(done.get("finishedAt").isNull()).isFalse();

        // Reports: one per task, each readable as markdown.
        Response reports = api.get(WORKFLOWS + "/wf-run/reports");
        assertThat(reports.status()).isEqualTo(200);
        assertThat(reports.json()).extracting(n -> n.get("taskId").asString()).containsExactly("t1", "t2");
        String reportId = reports.json().get(0).get("id").asString();
        Response markdown = api.get(WORKFLOWS + "/wf-run/reports/" + reportId);
        assertThat(markdown.status()).as(markdown.toString()).isEqualTo(200);
        assertThat(markdown.contentType()).startsWith("text/markdown");
        assertThat(markdown.body()).contains("write app/one.txt first line", "`app/one.txt`");
        Response markdownWithAccept = api.get(WORKFLOWS + "/wf-run/reports/" + reportId, "Accept", "text/markdown");
        assertThat(markdownWithAccept.status()).isEqualTo(200);
        assertThat(markdownWithAccept.body()).isEqualTo(markdown.body());

        // Checkpoints: one valid checkpoint per work in app, the last one is the branch head.
        Response checkpoints = api.get(WORKFLOWS + "/wf-run/checkpoints");
        assertThat(checkpoints.status()).isEqualTo(200);
        List<JsonNode> workCheckpoints = new ArrayList<>();
        checkpoints.json().forEach(c -> {
            if (c.get("workSequence").asInt() >= 0) workCheckpoints.add(c);
        });
        assertThat(workCheckpoints).extracting(c -> c.get("workId").asString()).containsExactly("wk-a", "wk-b");
        assertThat(workCheckpoints).allSatisfy(c -> {
            assertThat(c.get("repository").asString()).isEqualTo("app");
            assertThat(c.get("valid").asBoolean()).isTrue();
            assertThat(c.get("commitSha").asString()).matches("[0-9a-f]{40}");
        });
        assertThat(BatonServer.git(dataDir.resolve("git/app"), "rev-parse", "baton/wf-run"))
                .isEqualTo(workCheckpoints.getLast().get("commitSha").asString());

        // Events, in order, all with the workflow's correlation id; ?after= returns only the later ones.
        await().atMost(Duration.ofSeconds(10)).until(() -> eventTypes(api.get(WORKFLOWS + "/wf-run/events")).contains("WorkflowCompleted"));
        Response events = api.get(WORKFLOWS + "/wf-run/events");
        assertThat(events.status()).isEqualTo(200);
        List<String> types = eventTypes(events);
        assertThat(types).containsSubsequence("WorkflowCreated", "WorkflowStarted", "WorkStarted", "QuerySent", "ReportGenerated",
                "WorkCompleted", "CheckpointCreated", "WorkStarted", "WorkCompleted", "WorkflowCompleted");
        assertThat(events.json()).allSatisfy(e -> {
            assertThat(e.get("workflowId").asString()).isEqualTo("wf-run");
            assertThat(e.get("correlationId").asString()).isEqualTo(done.get("correlationId").asString());
        });
        List<Long> sequences = new ArrayList<>();
        events.json().forEach(e -> sequences.add(e.get("sequence").asLong()));
        assertThat(sequences).isSorted().doesNotHaveDuplicates();

        long after = sequences.get(2);
        Response later = api.get(WORKFLOWS + "/wf-run/events?after=" + after);
        assertThat(later.status()).isEqualTo(200);
        List<Long> laterSequences = new ArrayList<>();
        later.json().forEach(e -> laterSequences.add(e.get("sequence").asLong()));
        assertThat(laterSequences).isEqualTo(sequences.subList(3, sequences.size()));
        assertThat(api.get(WORKFLOWS + "/wf-run/events?after=" + sequences.getLast()).json().size()).isZero();
        assertThat(api.get(WORKFLOWS + "/wf-run/events?after=" + after + "&limit=2").json().size()).isEqualTo(2);

        // A completed workflow is final.
        assertThat(api.post(WORKFLOWS + "/wf-run/start").status()).isEqualTo(409);
        assertThat(api.post(WORKFLOWS + "/wf-run/cancel").status()).isEqualTo(409);
    }

    @Test
    void createWithStartTrueRunsAtOnce() {
        Response r = api.post(WORKFLOWS + "?start=true", "application/yaml", oneTask("wf-start-now", "write app/now.txt now"));

        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().get("status").asString()).isIn("READY", "RUNNING", "COMPLETED");
        assertThat(awaitStatus("wf-start-now", "COMPLETED", "FAILED").get("status").asString()).isEqualTo("COMPLETED");
    }

    @Test
    void pausesResumesAndCancelsARunningWorkflow() {
        assertThat(api.postYaml(oneTask("wf-pause", "sleep 20")).status()).isEqualTo(201);
        assertThat(api.post(WORKFLOWS + "/wf-pause/start").status()).isEqualTo(200);
        awaitAgentRunning("wf-pause", 1);

        Response paused = api.post(WORKFLOWS + "/wf-pause/pause");
        assertThat(paused.status()).as(paused.toString()).isEqualTo(200);
        assertThat(paused.json().get("status").asString()).isEqualTo("PAUSED");
        assertThat(paused.json().get("works").get(0).get("tasks").get(0).get("status").asString()).isEqualTo("PENDING");
        awaitNoAgentSleeping();
        assertThat(api.status("wf-pause")).isEqualTo("PAUSED");
        assertThat(ids(api.get(WORKFLOWS + "?status=PAUSED"))).contains("wf-pause");

        Response resumed = api.post(WORKFLOWS + "/wf-pause/resume");
        assertThat(resumed.status()).as(resumed.toString()).isEqualTo(200);
        assertThat(resumed.json().get("status").asString()).isEqualTo("RUNNING");
        awaitAgentRunning("wf-pause", 2);

        Response cancelled = api.post(WORKFLOWS + "/wf-pause/cancel");
        assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
        assertThat(cancelled.json().get("status").asString()).isEqualTo("CANCELLED");
        awaitNoAgentSleeping();
        assertThat(api.status("wf-pause")).isEqualTo("CANCELLED");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> eventTypes(api.get(WORKFLOWS + "/wf-pause/events")).contains("WorkflowCancelled"));
        assertThat(eventTypes(api.get(WORKFLOWS + "/wf-pause/events")))
                .containsSubsequence("WorkflowStarted", "WorkflowPaused", "WorkflowResumed", "WorkflowCancelled");
    }

    @Test
    void reordersACreatedWorkflow() {
        assertThat(api.postYaml(threeWorks("wf-reorder-created", "echo a")).status()).isEqualTo(201);

        Response r = api.post(WORKFLOWS + "/wf-reorder-created/reorder", "application/json", "{\"workIds\": [\"wk-c\", \"wk-a\", \"wk-b\"]}");

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("status").asString()).isEqualTo("CREATED");
        assertThat(workOrder(r.json())).containsExactly("wk-c", "wk-a", "wk-b");
        assertThat(workOrder(api.get(WORKFLOWS + "/wf-reorder-created").json())).containsExactly("wk-c", "wk-a", "wk-b");
        assertThat(eventTypes(api.get(WORKFLOWS + "/wf-reorder-created/events"))).contains("WorksReordered");
    }

    @Test
    void reordersAPausedWorkflowAndRunsInTheNewOrder() {
        assertThat(api.postYaml(threeWorks("wf-reorder-paused", "sleep 20")).status()).isEqualTo(201);
        assertThat(api.post(WORKFLOWS + "/wf-reorder-paused/start").status()).isEqualTo(200);
        awaitAgentRunning("wf-reorder-paused", 1);

        // While it runs, the order cannot change.
        Response whileRunning = api.post(WORKFLOWS + "/wf-reorder-paused/reorder", "application/json", "{\"workIds\": [\"wk-b\", \"wk-c\", \"wk-a\"]}");
        assertThat(whileRunning.status()).as(whileRunning.toString()).isEqualTo(409);

        assertThat(api.post(WORKFLOWS + "/wf-reorder-paused/pause").json().get("status").asString()).isEqualTo("PAUSED");
        Response r = api.post(WORKFLOWS + "/wf-reorder-paused/reorder", "application/json", "{\"workIds\": [\"wk-b\", \"wk-c\", \"wk-a\"]}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("status").asString()).isEqualTo("PAUSED");
        assertThat(workOrder(r.json())).containsExactly("wk-b", "wk-c", "wk-a");

        // wk-b and wk-c (quick) run first now; then wk-a sleeps again and is cancelled.
        assertThat(api.post(WORKFLOWS + "/wf-reorder-paused/resume").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode wf = api.get(WORKFLOWS + "/wf-reorder-paused").json();
            return "COMPLETED".equals(work(wf, "wk-b").get("status").asString()) && "COMPLETED".equals(work(wf, "wk-c").get("status").asString())
                    && "RUNNING".equals(work(wf, "wk-a").get("status").asString());
        });
        assertThat(api.post(WORKFLOWS + "/wf-reorder-paused/cancel").json().get("status").asString()).isEqualTo("CANCELLED");
        awaitNoAgentSleeping();
    }

    @Test
    void deleteRemovesTheWorkflowAnd404sAfterwards() {
        assertThat(api.postYaml(oneTask("wf-delete", "write app/x.txt x")).status()).isEqualTo(201);
        assertThat(api.post(WORKFLOWS + "/wf-delete/start").status()).isEqualTo(200);
        awaitStatus("wf-delete", "COMPLETED", "FAILED");
        assertThat(api.get(WORKFLOWS + "/wf-delete/reports").json().size()).isEqualTo(1);

        Response deleted = api.delete(WORKFLOWS + "/wf-delete");
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();

        Response gone = api.get(WORKFLOWS + "/wf-delete");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.contentType()).startsWith("application/problem+json");
        assertThat(gone.json().get("code").asString()).isEqualTo("workflow.not-found");
        assertThat(api.get(WORKFLOWS + "/wf-delete/reports").status()).isEqualTo(404);
        assertThat(api.get(WORKFLOWS + "/wf-delete/events").status()).isEqualTo(404);
        assertThat(api.ids()).doesNotContain("wf-delete");
        assertThat(dataDir.resolve("specs/active/wf-delete.yaml")).doesNotExist();
        assertThat(dataDir.resolve("worktrees/wf-delete")).doesNotExist();
        assertThat(api.delete(WORKFLOWS + "/wf-delete").status()).isEqualTo(404);

        // The id is free again.
        assertThat(api.postYaml(oneTask("wf-delete", "echo again")).status()).isEqualTo(201);
    }

    @Test
    void deletingARunningWorkflowStopsItsAgent() {
        assertThat(api.postYaml(oneTask("wf-delete-running", "sleep 20")).status()).isEqualTo(201);
        assertThat(api.post(WORKFLOWS + "/wf-delete-running/start").status()).isEqualTo(200);
        awaitAgentRunning("wf-delete-running", 1);

        assertThat(api.delete(WORKFLOWS + "/wf-delete-running").status()).isEqualTo(204);

        assertThat(api.get(WORKFLOWS + "/wf-delete-running").status()).isEqualTo(404);
        awaitNoAgentSleeping();
    }

    // ---- helpers ----

    private static String threeWorks(String id, String firstQuery) {
        return spec(id, """
                works:
                  - id: wk-a
                    name: A
                    agent: scripted
                  - id: wk-b
                    name: B
                    agent: scripted
                  - id: wk-c
                    name: C
                    agent: noop
                tasks:
                  - id: ta
                    work: wk-a
                    query: "%s"
                  - id: tb
                    work: wk-b
                    query: "write app/b.txt b"
                  - id: tc
                    work: wk-c
                    query: "anything"
                """.formatted(firstQuery));
    }

    private JsonNode awaitStatus(String id, String... statuses) {
        List<String> wanted = List.of(statuses);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> wanted.contains(api.status(id)));
        return api.get(WORKFLOWS + "/" + id).json();
    }

    /** Until the workflow is RUNNING and its agent got its {@code n}-th query (the process is running). */
    private void awaitAgentRunning(String id, int n) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                "RUNNING".equals(api.status(id)) && eventTypes(api.get(WORKFLOWS + "/" + id + "/events")).stream().filter("QuerySent"::equals).count() >= n);
    }

    /** Agent processes are children of this JVM (the server runs in it): none may be left sleeping. */
    private static void awaitNoAgentSleeping() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive).map(p -> p.info().commandLine().orElse("")).noneMatch(c -> c.contains("sleep 20")));
    }

    private static List<String> ids(Response list) {
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        list.json().get("items").forEach(n -> out.add(n.get("id").asString()));
        return out;
    }

    private static List<String> eventTypes(Response events) {
        assertThat(events.status()).as(events.toString()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        events.json().forEach(e -> out.add(e.get("type").asString()));
        return out;
    }

    private static List<String> workOrder(JsonNode wf) {
        List<String> out = new ArrayList<>();
        wf.get("works").forEach(w -> out.add(w.get("id").asString()));
        return out;
    }

    private static JsonNode work(JsonNode wf, String workId) {
        for (JsonNode w : wf.get("works")) if (w.get("id").asString().equals(workId)) return w;
        throw new AssertionError("no work " + workId + " in " + wf);
    }
}
