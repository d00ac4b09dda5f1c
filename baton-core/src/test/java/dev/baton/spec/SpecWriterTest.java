package dev.baton.spec;

import dev.baton.workflow.RepositoryRef;
import dev.baton.workflow.Task;
import dev.baton.workflow.TaskStatus;
import dev.baton.workflow.Work;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SpecWriterTest {
    @TempDir
    Path tmp;
    SpecFixture f;
    SpecWriter writer;

    @BeforeEach
    void setUp() throws IOException {
        f = new SpecFixture(tmp);
        writer = new SpecWriter(f.ctx);
    }

    @Test
    void parsingWhatWasWrittenGivesTheSameDocument() {
        SpecDocument doc = f.parse(SpecFixture.VALID);

        String yaml = writer.write(doc);

        assertThat(f.parse(yaml)).isEqualTo(doc);
        assertThat(writer.write(f.parse(yaml))).isEqualTo(yaml);
    }

    @Test
    void writesReadableYamlInAFixedOrder() throws IOException {
        SpecDocument doc = new SpecDocument("spec-1", 4, "running", "Demo: two steps",
                List.of(new RepositoryRef("app", f.repos.resolve("app").toRealPath())),
                List.of(new WorkSpec("007", "Plan", "scripted", "gpt-5", List.of(dev.baton.mcp.McpServerRef.of("github"),
                        new dev.baton.mcp.McpServerRef("fs", Map.of("ROOT", "${HOME}/src"))))),
                List.of(new TaskSpec("TASK-001", "007", 0, "Line one\nLine two\n", "agent-a", TaskStatus.IN_PROGRESS,
                                Instant.parse("2026-02-19T10:00:00Z")),
                        new TaskSpec("TASK-002", "007", 0, "yes", null, TaskStatus.PENDING, null)),
                List.of(), Map.of("x-note", "kept"));

        assertThat(writer.write(doc)).isEqualTo("""
                id: spec-1
                version: 4
                status: running
                name: "Demo: two steps"
                repositories:
                  - name: app
                    path: app
                works:
                  - id: "007"
                    name: Plan
                    agent: scripted
                    model: gpt-5
                    mcpServers:
                      - github
                      - name: fs
                        envOverrides:
                          ROOT: "${HOME}/src"
                tasks:
                  - id: TASK-001
                    work: "007"
                    assignedTo: agent-a
                    status: in-progress
                    startedAt: "2026-02-19T10:00:00Z"
                    query: |
                      Line one
                      Line two
                  - id: TASK-002
                    work: "007"
                    status: pending
                    query: "yes"
                submissions: []
                x-note: kept
                """);
        assertThat(f.parse(writer.write(doc))).isEqualTo(doc);
    }

    @Test
    void stringsThatLookLikeOtherYamlTypesSurviveTheRoundTrip() throws IOException {
        List<String> queries = List.of("yes", "no", "true", "null", "~", "123", "001", "1.5", "1e3", ".inf", "0x1F",
                "0o17", "+1", "-1", "1_000", "2026-02-19", "a: b", "- item", "#not a comment", "x #y", "  leading",
                "trailing  ", "multi\nline", "multi\nline with trailing spaces  \n", "kept\n\n\nblank lines\n\n",
                "\nstarts with a newline", "  indented\nfirst line", "tab\there", "crlf\r\nline", "quote\"s and 'single'",
                "@at", "`tick", "*star", "&amp", "!bang", "%pct", "{brace}", "[bracket]", "|pipe", ">gt", "?", ":",
                "한글 ✓ emoji 🚀", "x".repeat(500) + " long line without breaks " + "y ".repeat(200).strip());
        Path app = f.repos.resolve("app").toRealPath();
        List<TaskSpec> tasks = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            tasks.add(new TaskSpec("T" + i, "W", 0, queries.get(i), null, TaskStatus.PENDING, null));
        }
        SpecDocument doc = new SpecDocument("s", 1, null, "true", List.of(new RepositoryRef("1.0", app)),
                List.of(new WorkSpec(null, "W", "scripted", "4", List.of())), tasks, List.of(), Map.of());

        assertThat(f.parse(writer.write(doc))).isEqualTo(doc);
    }

    @Test
    void unknownTopLevelKeysAreWrittenBackAfterTheKnownOnes() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("x-owner", "team-a");
        extra.put("labels", List.of("a", 2, true));
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("depth", Map.of("k", "v"));
        nested.put("empty", null);
        extra.put("meta", nested);
        SpecDocument doc = withExtra(f.parse(SpecFixture.VALID), extra);

        String yaml = writer.write(doc);

        assertThat(f.parse(yaml).extra()).isEqualTo(extra);
        assertThat(yaml.indexOf("x-owner")).isGreaterThan(yaml.indexOf("submissions:"));
    }

    @Test
    void writesAWorkflowWithItsCurrentStatusesAndReadsItBack() {
        Instant now = Instant.parse("2026-03-01T00:00:00Z");
        Workflow wf = f.parse(SpecFixture.VALID).toWorkflow("wf-1", "corr", "spec.yaml", now)
                .moveTo(WorkflowStatus.READY, now).moveTo(WorkflowStatus.RUNNING, now);
        Work build = wf.works().get(1);
        Task started = build.tasks().getFirst().started(now);
        wf = wf.withWorks(List.of(wf.works().get(0), build.withTasks(List.of(started))));
        List<Submission> submissions = List.of(new Submission("TASK-001", f.diffs.resolve("TASK-001.diff"), now,
                SubmissionStatus.APPLIED, "abc123", null));

        String yaml = writer.write(wf, 9, submissions, Map.of("x-k", "v"));
        SpecDocument back = f.parse(yaml);
        Workflow rebuilt = back.toWorkflow(null, "corr", "spec.yaml", now);

        assertThat(back.id()).isEqualTo("wf-1");
        assertThat(back.version()).isEqualTo(9);
        assertThat(back.status()).isEqualTo("running");
        assertThat(back.extra()).isEqualTo(Map.of("x-k", "v"));
        assertThat(back.submissions()).singleElement().satisfies(s -> {
            assertThat(s.status()).isEqualTo(SubmissionStatus.APPLIED);
            assertThat(s.commit()).isEqualTo("abc123");
            assertThat(s.path()).isEqualTo(f.diffs.toAbsolutePath().resolve("TASK-001.diff"));
        });
        assertThat(rebuilt.id()).isEqualTo(wf.id());
        assertThat(rebuilt.name()).isEqualTo(wf.name());
        assertThat(rebuilt.repositories()).isEqualTo(wf.repositories());
        assertThat(rebuilt.works()).hasSameSizeAs(wf.works());
        for (int i = 0; i < wf.works().size(); i++) {
            Work expected = wf.works().get(i);
            Work actual = rebuilt.works().get(i);
            assertThat(actual).usingRecursiveComparison().comparingOnlyFields(
                    "id", "sequence", "name", "agent", "model", "mcpServers").isEqualTo(expected);
            assertThat(actual.tasks()).usingRecursiveFieldByFieldElementComparatorOnFields(
                    "id", "workflowId", "workId", "order", "query", "assignedTo", "status", "startedAt").isEqualTo(expected.tasks());
        }
        assertThat(rebuilt.works().get(1).tasks().getFirst().status()).isEqualTo(TaskStatus.IN_PROGRESS);
    }

    @Test
    void fingerprintIsTheHexSha256OfTheContent() {
        assertThat(SpecFingerprint.sha256("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(SpecFingerprint.sha256("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        SpecDocument doc = f.parse(SpecFixture.VALID);
        assertThat(SpecFingerprint.sha256(writer.write(doc))).isEqualTo(SpecFingerprint.sha256(writer.write(doc)));
    }

    private static SpecDocument withExtra(SpecDocument d, Map<String, Object> extra) {
        return new SpecDocument(d.id(), d.version(), d.status(), d.name(), d.repositories(), d.works(), d.tasks(), d.submissions(), extra);
    }
}
