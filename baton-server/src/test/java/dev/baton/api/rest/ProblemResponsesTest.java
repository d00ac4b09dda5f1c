package dev.baton.api.rest;

import dev.baton.server.BatonApplication;
import dev.baton.api.rest.BatonServer.Response;
import org.junit.jupiter.api.AfterEach;
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

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.baton.api.rest.BatonServer.oneTask;
import static dev.baton.api.rest.BatonServer.spec;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input gets a clear RFC 9457 problem+json answer (type, title, status, detail, code, problems),
 * and a refused create stores nothing: no row, no spec file, no event.
 */
@SpringBootTest(classes = BatonApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class ProblemResponsesTest {
    private static final String WORKFLOWS = "/api/v1/workflows";

    @TempDir
    static Path dataDir;

    /** A real git repository outside the git root: specs must not reach it, by absolute path or by symlink. */
    @TempDir
    static Path outside;

    @LocalServerPort
    int port;

    BatonServer api;
    List<String> storedBefore;
    List<String> specFilesBefore;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        BatonServer.register(registry, () -> dataDir);
    }

    @BeforeAll
    static void repositories() throws Exception {
        BatonServer.gitRepository(dataDir, "app");
        BatonServer.gitRepository(outside, "elsewhere");
        Files.createDirectories(dataDir.resolve("git/plain-folder"));
        Files.writeString(dataDir.resolve("git/plain-folder/file.txt"), "not a repository\n");
        Files.createSymbolicLink(dataDir.resolve("git/link-out"), outside.resolve("git/elsewhere"));
    }

    @BeforeEach
    void client() throws IOException {
        api = new BatonServer(port);
        assertThat(api.postYaml(oneTask("wf-existing", "echo hi")).status()).isIn(201, 409);
        storedBefore = api.ids();
        specFilesBefore = specFiles();
    }

    @AfterEach
    void existingWorkflowIsUntouched() {
        Response existing = api.get(WORKFLOWS + "/wf-existing");
        assertThat(existing.status()).isEqualTo(200);
        assertThat(existing.json().get("status").asString()).isEqualTo("CREATED");
        assertThat(existing.json().get("name").asString()).isEqualTo("Test workflow wf-existing");
    }

    // ---- spec content ----

    @Test
    void malformedYamlNamesFileLineAndColumn() throws IOException {
        String yaml = """
                id: wf-malformed
                name: Malformed
                repositories: [ {name: app, path: app}
                works:
                  - id: wk-a
                """;
        Response r = api.post(WORKFLOWS, "application/yaml", yaml, "X-Spec-File", "broken.yaml");

        JsonNode p = assertProblem(r, 400, "spec.syntax");
        JsonNode first = p.get("problems").get(0);
        assertThat(first.get("file").asString()).isEqualTo("broken.yaml");
        assertThat(first.get("line").asInt()).isBetween(3, 5);
        assertThat(first.get("column").asInt()).isPositive();
        assertThat(first.get("message").asString()).isNotBlank();
        assertThat(p.get("detail").asString()).contains("broken.yaml:" + first.get("line").asInt() + ":" + first.get("column").asInt());
        assertNothingStored();
    }

    @Test
    void mappingValueErrorIsLocatedOnItsLine() throws IOException {
        String yaml = """
                id: wf-malformed-2
                name: a: b
                """;
        Response r = api.post(WORKFLOWS, "application/yaml", yaml, "X-Spec-File", "line2.yaml");

        JsonNode first = assertProblem(r, 400, "spec.syntax").get("problems").get(0);
        assertThat(first.get("file").asString()).isEqualTo("line2.yaml");
        assertThat(first.get("line").asInt()).isEqualTo(2);
        assertThat(first.get("column").asInt()).isPositive();
        assertNothingStored();
    }

    @Test
    void malformedJsonNamesLineAndColumnAndDefaultsTheFileName() throws IOException {
        Response r = api.post(WORKFLOWS, "application/json", "{\"id\": \"wf-badjson\",\n \"name\": \"x\",\n \"works\": [\n");

        JsonNode first = assertProblem(r, 400, null).get("problems").get(0);
        assertThat(first.get("file").asString()).isEqualTo("request body");
        assertThat(first.get("line").asInt()).isPositive();
        assertThat(first.get("column").asInt()).isPositive();
        assertNothingStored();
    }

    @Test
    void specThatIsNotAMappingIsRefused() throws IOException {
        assertProblem(api.postYaml("just a sentence\n"), 400, null);
        assertProblem(api.postYaml("- a\n- b\n"), 400, null);
        assertNothingStored();
    }

    @Test
    void emptyBodyIsRefused() throws IOException {
        assertProblem(api.post(WORKFLOWS, "application/yaml", ""), 400, null);
        assertNothingStored();
    }

    @Test
    void unknownAgentProfileIsReportedOnItsField() throws IOException {
        Response r = api.post(WORKFLOWS, "application/yaml", spec("wf-bad-agent", """
                works:
                  - id: wk-a
                    name: Only
                    agent: gpt-unknown
                tasks:
                  - id: t1
                    work: wk-a
                    query: "echo x"
                """), "X-Spec-File", "agents.yaml");

        JsonNode p = assertProblem(r, 400, "spec.invalid");
        JsonNode agent = problemFor(p, "works[0].agent");
        assertThat(agent.get("message").asString()).contains("gpt-unknown");
        assertThat(agent.get("file").asString()).isEqualTo("agents.yaml");
        assertThat(agent.get("line").asInt()).isEqualTo(9);
        assertThat(agent.get("column").asInt()).isPositive();
        assertNothingStored();
    }

    @Test
    void everyProblemOfASpecIsReportedAtOnce() throws IOException {
        Response r = api.postYaml("""
                id: wf-many-problems
                name: Many
                repositories:
                  - name: app
                    path: plain-folder
                works:
                  - id: wk-a
                    name: Only
                    agent: nobody
                tasks:
                  - id: t1
                    work: wk-missing
                    query: "echo x"
                """);

        JsonNode p = assertProblem(r, 400, "spec.invalid");
        problemFor(p, "repositories[0].path");
        problemFor(p, "works[0].agent");
        problemFor(p, "tasks[0].work");
        assertNothingStored();
    }

    @Test
    void repositoryThatIsNotAGitRepositoryIsRefused() throws IOException {
        JsonNode p = assertProblem(api.postYaml(repoSpec("wf-not-git", "plain-folder")), 400, "spec.invalid");
        assertThat(problemFor(p, "repositories[0].path").get("message").asString()).contains("not a git repository");

        JsonNode missing = assertProblem(api.postYaml(repoSpec("wf-missing-repo", "no-such-repo")), 400, "spec.invalid");
        assertThat(problemFor(missing, "repositories[0].path").get("message").asString()).contains("does not exist");
        assertNothingStored();
    }

    @Test
    void pathsEscapingTheGitRootAreRefused() throws IOException {
        Path elsewhere = outside.resolve("git/elsewhere");
        for (String path : List.of("../outside", "../../../../etc", "app/../../specs", "/etc", elsewhere.toString(),
                dataDir.getParent().toString(), "link-out", "link-out/../elsewhere")) {
            Response r = api.postYaml(repoSpec("wf-escape", path));
            JsonNode p = assertProblem(r, 400, "spec.invalid");
            JsonNode problem = problemFor(p, "repositories[0].path");
            assertThat(problem.get("line").asInt()).as(path).isEqualTo(5);
            assertThat(problem.get("message").asString()).as(path).isNotBlank();
        }
        assertNothingStored();
    }

    @Test
    void duplicateWorkflowIdIsAConflictAndKeepsTheFirst() throws IOException {
        Response r = api.postYaml(oneTask("wf-existing", "echo replaced").replace("Test workflow wf-existing", "Impostor"));

        JsonNode p = assertProblem(r, 409, "workflow.duplicate-id");
        assertThat(p.get("detail").asString()).contains("wf-existing");
        assertNothingStored();
        assertThat(api.get(WORKFLOWS + "/wf-existing").json().get("works").get(0).get("tasks").get(0).get("query").asString())
                .isEqualTo("echo hi");
    }

    @Test
    void concurrentCreatesWithTheSameIdStoreOneAndRefuseTheRestWith409() throws Exception {
        int n = 8;
        List<Response> answers;
        try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String query = "echo racer " + i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return api.postYaml(oneTask("wf-race", query));
                }));
            }
            go.countDown();
            answers = new ArrayList<>();
            for (Future<Response> f : futures) answers.add(f.get(60, TimeUnit.SECONDS));
        }

        assertThat(answers).filteredOn(r -> r.status() == 201).as(answers.toString()).hasSize(1);
        for (Response r : answers) {
            if (r.status() != 201) assertProblem(r, 409, "workflow.duplicate-id");
        }
        assertThat(api.ids()).filteredOn("wf-race"::equals).hasSize(1);
        assertThat(api.delete(WORKFLOWS + "/wf-race").status()).isEqualTo(204);
    }

    @Test
    void oversizeBodyIsRefusedWithAClearMessage() throws IOException {
        String big = oneTask("wf-big", "echo big") + "# " + "x".repeat(1024 * 1024) + "\n";
        JsonNode p = assertProblem(api.postYaml(big), 400, 413, "spec.too-large");
        assertThat(p.get("detail").asString()).containsPattern("\\d+ bytes").contains(String.valueOf(1024 * 1024));

        // Fewer characters than the limit but more UTF-8 bytes.
        String wide = oneTask("wf-wide", "echo wide") + "# " + "é".repeat(600_000) + "\n";
        assertProblem(api.postYaml(wide), 400, 413, "spec.too-large");

        // Far beyond the limit: still an answer, not a reset connection.
        String huge = oneTask("wf-huge", "echo huge") + "# " + "y".repeat(4 * 1024 * 1024) + "\n";
        assertProblem(api.postYaml(huge), 400, 413, null);
        assertNothingStored();
    }

    @Test
    void wrongContentTypeIs415() throws IOException {
        JsonNode p = assertProblem(api.post(WORKFLOWS, "application/xml", "<workflow/>"), 415, "request.media-type");
        assertThat(p.get("detail").asString()).contains("application/xml").contains("application/yaml");
        assertProblem(api.post(WORKFLOWS, "image/png", oneTask("wf-png", "echo x")), 415, "request.media-type");
        assertProblem(api.post(WORKFLOWS + "/wf-existing/reorder", "application/yaml", "workIds: [wk-a]"), 415, "request.media-type");
        assertProblem(api.post(WORKFLOWS, null, oneTask("wf-no-type", "echo x")), 415, "request.media-type");
        assertNothingStored();
    }

    // ---- lifecycle ----

    @Test
    void illegalTransitionIsAConflictNamingBothStatuses() {
        JsonNode p = assertProblem(api.post(WORKFLOWS + "/wf-existing/pause"), 409, "workflow.illegal-transition");
        assertThat(p.get("detail").asString()).contains("wf-existing", "CREATED", "PAUSED");
        assertThat(api.status("wf-existing")).isEqualTo("CREATED");
    }

    @Test
    void finalStatusesRefuseEveryTransition() throws IOException {
        assertThat(api.postYaml(oneTask("wf-final", "echo x")).status()).isEqualTo(201);
        assertThat(api.post(WORKFLOWS + "/wf-final/cancel").status()).isEqualTo(200);

        for (String action : List.of("start", "pause", "resume", "cancel")) {
            JsonNode p = assertProblem(api.post(WORKFLOWS + "/wf-final/" + action), 409, null);
            assertThat(p.get("detail").asString()).as(action).contains("CANCELLED");
        }
        assertProblem(api.post(WORKFLOWS + "/wf-final/reorder", "application/json", "{\"workIds\": [\"wk-a\"]}"), 409, "workflow.reorder-not-allowed");
        assertThat(api.status("wf-final")).isEqualTo("CANCELLED");
        assertThat(api.delete(WORKFLOWS + "/wf-final").status()).isEqualTo(204);
    }

    @Test
    void unknownIdIs404OnEveryEndpoint() {
        String id = "wf-does-not-exist";
        List<Response> responses = List.of(
                api.get(WORKFLOWS + "/" + id),
                api.post(WORKFLOWS + "/" + id + "/start"),
                api.post(WORKFLOWS + "/" + id + "/pause"),
                api.post(WORKFLOWS + "/" + id + "/resume"),
                api.post(WORKFLOWS + "/" + id + "/cancel"),
                api.delete(WORKFLOWS + "/" + id),
                api.post(WORKFLOWS + "/" + id + "/reorder", "application/json", "{\"workIds\": [\"wk-a\"]}"),
                api.get(WORKFLOWS + "/" + id + "/reports"),
                api.get(WORKFLOWS + "/" + id + "/reports/rp-1"),
                api.get(WORKFLOWS + "/" + id + "/checkpoints"),
                api.get(WORKFLOWS + "/" + id + "/events"));
        for (Response r : responses) {
            JsonNode p = assertProblem(r, 404, "workflow.not-found");
            assertThat(p.get("detail").asString()).contains(id);
        }
        JsonNode report = assertProblem(api.get(WORKFLOWS + "/wf-existing/reports/rp-nope"), 404, "report.not-found");
        assertThat(report.get("detail").asString()).contains("rp-nope");
    }

    /** A client that asks for markdown (or JSON) still gets the problem, not a 406 or an empty body. */
    @Test
    void errorsAreProblemsWhateverTheAcceptHeader() {
        assertProblem(api.get(WORKFLOWS + "/wf-existing/reports/rp-nope", "Accept", "text/markdown"), 404, "report.not-found");
        assertProblem(api.get(WORKFLOWS + "/wf-nope/reports/rp-nope", "Accept", "text/markdown"), 404, "workflow.not-found");
        assertProblem(api.get(WORKFLOWS + "/wf-nope", "Accept", "application/json"), 404, "workflow.not-found");
        assertProblem(api.get(WORKFLOWS + "?status=BOGUS", "Accept", "application/json"), 400, "query.status");
    }

    @Test
    void unknownEndpointIsAProblem404AndWrongMethodA405() {
        JsonNode p = assertProblem(api.get("/api/v1/nope"), 404, "request.not-found");
        assertThat(p.get("detail").asString()).contains("api/v1/nope");
        assertProblem(api.get("/no-such-page"), 404, "request.not-found");
        assertProblem(api.get(WORKFLOWS + "/wf-existing/frobnicate"), 404, "request.not-found");
        assertProblem(api.post(WORKFLOWS + "/wf-existing/frobnicate"), 404, "request.not-found");
        assertProblem(api.send(api.request(WORKFLOWS + "/wf-existing").PUT(HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json")), 405, "request.method");
    }

    /**
     * Requests Tomcat refuses before Spring MVC sees them (an encoded slash or NUL in the path, headers
     * beyond max-http-request-header-size) must still be problem+json, not Tomcat's HTML error page.
     */
    @Test
    void requestsTheContainerRefusesAreProblemsToo() {
        assertProblem(api.get(WORKFLOWS + "/a%2Fb"), 400, null);
        assertProblem(api.get(WORKFLOWS + "/a%00b"), 400, null);
        assertProblem(api.get(WORKFLOWS, "X-Padding", "x".repeat(20_000)), 400, 431, null);
    }

    // ---- query parameters ----

    @Test
    void badListParametersAre400() {
        JsonNode p = assertProblem(api.get(WORKFLOWS + "?status=BOGUS"), 400, "query.status");
        assertThat(p.get("detail").asString()).contains("BOGUS", "CREATED", "RUNNING");
        assertProblem(api.get(WORKFLOWS + "?status=CREATED,nope"), 400, "query.status");
        assertProblem(api.get(WORKFLOWS + "?limit=0"), 400, "query.limit");
        assertProblem(api.get(WORKFLOWS + "?limit=1001"), 400, "query.limit");
        assertProblem(api.get(WORKFLOWS + "?offset=-1"), 400, "query.offset");
        JsonNode mismatch = assertProblem(api.get(WORKFLOWS + "?limit=ten"), 400, "request.parameter");
        assertThat(mismatch.get("detail").asString()).contains("limit", "ten");
        assertProblem(api.get(WORKFLOWS + "/wf-existing/events?after=yesterday"), 400, "request.parameter");
    }

    // ---- reorder ----

    @Test
    void reorderWithUnknownDuplicateOrMissingWorksIs400WithProblems() throws IOException {
        assertThat(api.postYaml(spec("wf-order", """
                works:
                  - id: wk-a
                    name: A
                    agent: noop
                  - id: wk-b
                    name: B
                    agent: noop
                tasks:
                  - id: ta
                    work: wk-a
                    query: "a"
                  - id: tb
                    work: wk-b
                    query: "b"
                """)).status()).isEqualTo(201);
        String reorder = WORKFLOWS + "/wf-order/reorder";

        JsonNode unknown = assertProblem(api.post(reorder, "application/json", "{\"workIds\": [\"wk-b\", \"wk-zzz\"]}"), 400, "workflow.reorder-invalid");
        assertThat(problemFor(unknown, "workIds[1]").get("message").asString()).contains("wk-zzz");

        JsonNode duplicate = assertProblem(api.post(reorder, "application/json", "{\"workIds\": [\"wk-a\", \"wk-a\"]}"), 400, "workflow.reorder-invalid");
        assertThat(problemFor(duplicate, "workIds[1]").get("message").asString()).contains("twice");

        JsonNode missing = assertProblem(api.post(reorder, "application/json", "{\"workIds\": [\"wk-b\"]}"), 400, "workflow.reorder-invalid");
        assertThat(problemFor(missing, "workIds").get("message").asString()).contains("wk-a");

        assertProblem(api.post(reorder, "application/json", "{\"workIds\": []}"), 400, "workflow.reorder-invalid");
        assertProblem(api.post(reorder, "application/json", "{}"), 400, "workflow.reorder-invalid");
        assertProblem(api.post(reorder, "application/json", "{\"workIds\": [\"wk-b\", "), 400, "request.unreadable");
        assertProblem(api.post(reorder, "application/json", "{\"workIds\": \"wk-b\"}"), 400, null);
        assertProblem(api.post(reorder, "application/json", ""), 400, null);

        // Nothing moved.
        List<String> order = new ArrayList<>();
        api.get(WORKFLOWS + "/wf-order").json().get("works").forEach(w -> order.add(w.get("id").asString()));
        assertThat(order).containsExactly("wk-a", "wk-b");
        assertThat(api.delete(WORKFLOWS + "/wf-order").status()).isEqualTo(204);
    }

    // ---- helpers ----

    private static String repoSpec(String id, String path) {
        return """
                id: %s
                name: Repository %s
                repositories:
                  - name: app
                    path: %s
                works:
                  - id: wk-a
                    name: Only
                    agent: scripted
                tasks:
                  - id: t1
                    work: wk-a
                    query: "echo x"
                """.formatted(id, id, path);
    }

    /** The common shape of every error answer; {@code code} null means any. */
    private static JsonNode assertProblem(Response r, int status, String code) {
        return assertProblem(r, status, status, code);
    }

    private static JsonNode assertProblem(Response r, int status, int orStatus, String code) {
        assertThat(r.status()).as(r.toString()).isIn(status, orStatus);
        assertThat(r.contentType()).as(r.toString()).startsWith("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.get("type")).as(r.toString()).isNotNull();
        assertThat(p.get("type").asString()).as(r.toString()).isNotBlank();
        assertThat(p.get("title")).as(r.toString()).isNotNull();
        assertThat(p.get("title").asString()).as(r.toString()).isNotBlank();
        assertThat(p.get("status")).as(r.toString()).isNotNull();
        assertThat(p.get("status").asInt()).as(r.toString()).isEqualTo(r.status());
        assertThat(p.get("detail")).as(r.toString()).isNotNull();
        assertThat(p.get("detail").asString()).as(r.toString()).isNotBlank();
        assertThat(p.get("code")).as(r.toString()).isNotNull();
        assertThat(p.get("code").asString()).as(r.toString()).isNotBlank();
        if (code != null) assertThat(p.get("code").asString()).as(r.toString()).isEqualTo(code);
        assertThat(p.get("type").asString()).as(r.toString()).endsWith(p.get("code").asString());
        assertThat(p.get("problems")).as(r.toString()).isNotNull();
        assertThat(p.get("problems").isArray()).as(r.toString()).isTrue();
        return p;
    }

    private static JsonNode problemFor(JsonNode problem, String field) {
        for (JsonNode p : problem.get("problems")) {
            if (field.equals(p.path("field").asString(""))) return p;
        }
        throw new AssertionError("no problem for field " + field + " in " + problem);
    }

    /** "Loses nothing, stores nothing": the list and the spec files are as before the refused request. */
    private void assertNothingStored() throws IOException {
        assertThat(api.ids()).isEqualTo(storedBefore);
        assertThat(specFiles()).isEqualTo(specFilesBefore);
    }

    private static List<String> specFiles() throws IOException {
        Path dir = dataDir.resolve("specs/active");
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
