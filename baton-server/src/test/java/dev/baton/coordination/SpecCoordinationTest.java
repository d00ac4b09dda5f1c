package dev.baton.coordination;

import dev.baton.api.rest.BatonServer;
import dev.baton.api.rest.BatonServer.Response;
import dev.baton.ping.Ping;
import dev.baton.ping.PingBus;
import dev.baton.ping.PingType;
import dev.baton.server.BatonApplication;
import dev.baton.spec.store.SpecPatch;
import dev.baton.spec.store.VersionedSpecFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.baton.api.rest.BatonServer.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spec files as the single source of truth, end to end on a real server: outside agents that only edit the
 * file, refused edits, compare-and-swap over HTTP, the git manager, and the pings each step sends.
 */
@SpringBootTest(classes = BatonApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class SpecCoordinationTest {
    @TempDir
    static Path dataDir;

    @LocalServerPort
    int port;

    @Autowired
    PingBus bus;

    @Autowired
    VersionedSpecFiles store;

    BatonServer api;
    final List<Ping> pings = new CopyOnWriteArrayList<>();
    final List<AutoCloseable> subscriptions = new CopyOnWriteArrayList<>();

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        BatonServer.register(registry, () -> dataDir);
        registry.add("coordination.spec-quick-check-ms", () -> "200");
        registry.add("coordination.worker-needed-interval-ms", () -> "200");
        registry.add("coordination.health-ping-interval-ms", () -> "500");
    }

    @BeforeAll
    static void repositories() throws Exception {
        BatonServer.gitRepository(dataDir, "app");
    }

    @BeforeEach
    void setUp() {
        api = new BatonServer(port);
        for (PingType t : PingType.values()) subscriptions.add(bus.subscribe(t, pings::add));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable s : subscriptions) s.close();
    }

    private Path specFile(String id) {
        return dataDir.resolve("specs/active/" + id + ".yaml");
    }

    private static String outsideSpec(String id) {
        return spec(id, """
                works:
                  - id: wk-a
                    name: Build
                    agent: scripted
                tasks:
                  - id: t-own
                    work: wk-a
                    query: "echo built"
                  - id: t-ext
                    work: wk-a
                    assignedTo: node-agent
                    query: review the change
                """);
    }

    /** What seed 000's agent does: read the YAML, change its task, write the whole file back, version untouched. */
    private void rewriteAsOutsideAgent(String id, String from, String to) throws Exception {
        Path f = specFile(id);
        String content = Files.readString(f);
        int task = content.indexOf("id: t-ext");
        int status = content.indexOf("status: " + from, task);
        assertThat(status).as("status %s of t-ext in\n%s", from, content).isPositive();
        Files.writeString(f, content.substring(0, status) + "status: " + to + content.substring(status + ("status: " + from).length()));
    }

    @Test
    void aTaskOfAnOutsideAgentIsDoneWhenTheSpecFileSaysSo() throws Exception {
        String id = "wf-outside";
        assertThat(api.postYaml("/api/v1/workflows?start=true", outsideSpec(id)).status()).isEqualTo(201);
        // Baton's own task is done and the file says so; the outside agent's task waits for it.
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(specFile(id)).contains("status: completed")
                && pings.stream().anyMatch(p -> p.type() == PingType.SPEC_CHANGED && id.equals(p.specId())));
        assertThat(api.status(id)).isEqualTo("RUNNING");

        long before = store.read(specFile(id)).version();
        rewriteAsOutsideAgent(id, "pending", "in-progress");
        await().atMost(Duration.ofSeconds(30)).until(() -> taskStatus(id, "t-ext").equals("IN_PROGRESS"));
        // The agent left the version as it was; the server gave the file the next one.
        await().atMost(Duration.ofSeconds(10)).until(() -> store.read(specFile(id)).version() > before);

        rewriteAsOutsideAgent(id, "in-progress", "completed");
        await().atMost(Duration.ofSeconds(60)).until(() -> api.status(id).equals("COMPLETED"));
        assertThat(taskStatus(id, "t-ext")).isEqualTo("COMPLETED");
        assertThat(Files.readString(specFile(id))).contains("status: completed");
        // The payload is stored as a JSON string inside the event, hence the escaped quotes.
        assertThat(api.get("/api/v1/workflows/" + id + "/events?limit=500").body())
                .contains("TaskUpdatedFromSpec").contains("\\\"to\\\":\\\"in-progress\\\"").contains("\\\"to\\\":\\\"completed\\\"");

        Ping changed = pings.stream().filter(p -> p.type() == PingType.SPEC_CHANGED && id.equals(p.specId())).reduce((a, b) -> b).orElseThrow();
        assertThat(changed.path()).isEqualTo(specFile(id).toString());
        assertThat(changed.version()).isPositive();
        assertThat(changed.sha256()).hasSize(64);
        await().atMost(Duration.ofSeconds(10)).until(() -> pings.stream().anyMatch(p -> p.type() == PingType.SPEC_COMPLETED && id.equals(p.specId())));
    }

    private String taskStatus(String id, String taskId) {
        JsonNode wf = api.get("/api/v1/workflows/" + id).json();
        for (JsonNode w : wf.get("works")) for (JsonNode t : w.get("tasks")) if (t.get("id").asString().equals(taskId)) return t.get("status").asString();
        throw new IllegalStateException("no task " + taskId);
    }

    @Test
    void anInvalidEditIsRefusedWithFileLineAndFieldAndTheLastGoodStateStays() throws Exception {
        String id = "wf-invalid";
        assertThat(api.postYaml(outsideSpec(id)).status()).isEqualTo(201);
        Path f = specFile(id);
        String good = Files.readString(f);
        Files.writeString(f, good.replace("status: pending", "status: halfway"));

        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/specs/errors").json().has(id));
        JsonNode problem = api.get("/api/v1/specs/errors").json().get(id).get(0);
        assertThat(problem.get("file").asString()).contains(id);
        assertThat(problem.get("line").asInt()).isPositive();
        assertThat(problem.get("field").asString()).contains("status");
        assertThat(problem.get("message").asString()).contains("halfway");
        assertThat(Files.readString(f)).contains("halfway"); // left for its author to fix
        assertThat(taskStatus(id, "t-ext")).isEqualTo("PENDING");
        assertThat(api.status(id)).isEqualTo("CREATED");

        Files.writeString(f, good);
        await().atMost(Duration.ofSeconds(10)).until(() -> !api.get("/api/v1/specs/errors").json().has(id));
    }

    @Test
    void aRewriteThatOnlyChangesTheFormattingIsNeitherVersionedNorPinged() throws Exception {
        String id = "wf-format";
        assertThat(api.postYaml(outsideSpec(id)).status()).isEqualTo(201);
        Path f = specFile(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> pings.stream().anyMatch(p -> p.type() == PingType.SPEC_CHANGED && id.equals(p.specId())));
        long version = store.read(f).version();

        // What seed 000's agents do on every ping: parse and re-serialise the whole file, changing nothing.
        Files.writeString(f, "# rewritten by an agent\n" + Files.readString(f).replace("name: Test workflow " + id, "name: \"Test workflow " + id + "\""));
        Thread.sleep(500); // the watcher reports it on its own, not folded into the next write
        // A real change after it: once that is handled, the rewrite before it has been handled too.
        rewriteAsOutsideAgent(id, "pending", "in-progress");
        await().atMost(Duration.ofSeconds(10)).until(() -> taskStatus(id, "t-ext").equals("IN_PROGRESS"));

        assertThat(store.read(f).version()).isEqualTo(version + 1);
        assertThat(pings.stream().filter(p -> p.type() == PingType.SPEC_CHANGED && id.equals(p.specId())).map(Ping::version).distinct())
                .containsExactly(version, version + 1);
    }

    @Test
    void aTaskUpdateOverHttpIsCompareAndSwapWith409AndBothValues() {
        String id = "wf-cas";
        assertThat(api.postYaml(outsideSpec(id)).status()).isEqualTo(201);
        long v = api.get("/api/v1/specs/" + id).json().get("version").asLong();
        String body = """
                {"baseVersion": %d, "changes": {"assignedTo": {"from": "node-agent", "to": "%s"}}}""";

        Response first = api.send(api.request("/api/v1/specs/" + id + "/tasks/t-ext")
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString(body.formatted(v, "agent-a"))).header("Content-Type", "application/json"));
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.json().get("version").asLong()).isEqualTo(v + 1);

        Response second = api.send(api.request("/api/v1/specs/" + id + "/tasks/t-ext")
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString(body.formatted(v, "agent-b"))).header("Content-Type", "application/json"));
        assertThat(second.status()).as(second.toString()).isEqualTo(409);
        assertThat(second.contentType()).startsWith("application/problem+json");
        assertThat(second.json().get("problems").get(0).get("message").asString()).contains("theirs: agent-a").contains("yours: agent-b");
        await().atMost(Duration.ofSeconds(10)).until(() -> taskAssignee(id).equals("agent-a"));

        assertThat(api.get("/api/v1/specs/nope").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/specs/..%2Fetc").status()).isIn(400, 404);
    }

    private String taskAssignee(String id) {
        JsonNode wf = api.get("/api/v1/workflows/" + id).json();
        for (JsonNode w : wf.get("works")) for (JsonNode t : w.get("tasks")) if (t.get("id").asString().equals("t-ext")) return t.path("assignedTo").asString("");
        return "";
    }

    @Test
    void theGitManagerAppliesASubmittedDiffAndRecordsTheOutcome() throws Exception {
        String id = "wf-diff";
        assertThat(api.postYaml(outsideSpec(id)).status()).isEqualTo(201);
        Path diffs = Files.createDirectories(dataDir.resolve("diffs"));
        Files.writeString(diffs.resolve("t-ext.diff"), """
                diff --git a/NOTES.md b/NOTES.md
                new file mode 100644
                --- /dev/null
                +++ b/NOTES.md
                @@ -0,0 +1 @@
                +reviewed by node-agent
                """);
        Files.writeString(diffs.resolve("evil.diff"), """
                diff --git a/../outside.txt b/../outside.txt
                new file mode 100644
                --- /dev/null
                +++ b/../outside.txt
                @@ -0,0 +1 @@
                +escape
                """);
        long v = store.read(specFile(id)).version();
        store.update(specFile(id), v, SpecPatch.builder()
                .submission(new SpecPatch.AddSubmission("t-ext", "t-ext.diff", Instant.now()))
                .submission(new SpecPatch.AddSubmission("t-ext", "evil.diff", Instant.now())).build());

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String c = Files.readString(specFile(id));
            return c.contains("status: applied") && c.contains("status: failed");
        });
        String content = Files.readString(specFile(id));
        assertThat(content).contains("commit: ");
        assertThat(content).containsPattern("reason: .*\\.\\./outside\\.txt");
        Path repo = dataDir.resolve("git/app");
        assertThat(BatonServer.git(repo, "log", "-1", "--format=%s", "baton/" + id)).contains("t-ext");
        assertThat(BatonServer.git(repo, "show", "baton/" + id + ":NOTES.md")).isEqualTo("reviewed by node-agent");
        assertThat(dataDir.resolve("git/outside.txt")).doesNotExist();
        String events = api.get("/api/v1/workflows/" + id + "/events?limit=500").body();
        assertThat(events).contains("DiffSubmissionHandled").contains("\\\"outcome\\\":\\\"applied\\\"").contains("\\\"outcome\\\":\\\"failed\\\"");
    }

    @Test
    void readyShowsTheBusAndTheWatcherAndTheQueueIsAnEndpoint() {
        JsonNode ready = api.get("/ready").json();
        assertThat(ready.at("/checks/pingBus/status").asString()).isEqualTo("UP");
        assertThat(ready.at("/checks/pingBus/type").asString()).isEqualTo("in-process");
        assertThat(ready.at("/checks/specWatcher/status").asString()).isEqualTo("UP");
        assertThat(ready.at("/checks/specWatcher/mechanism").asString()).isIn("watchman", "watch-service");
        assertThat(api.get("/api/v1/queue").json().get("queueLength").asInt()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> pings.stream().anyMatch(p -> p.type() == PingType.SYSTEM_HEALTH
                && "ok".equals(p.status()) && "baton-server".equals(p.service())));
    }
}
