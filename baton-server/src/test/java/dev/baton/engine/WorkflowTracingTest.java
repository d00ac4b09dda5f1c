package dev.baton.engine;

import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowStatus;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The spans of a real workflow run (ops seed §3.2/§3.3): one trace, the span tree, the attributes, errors. */
class WorkflowTracingTest {
    @TempDir
    Path tmp;
    InMemorySpanExporter spans;
    SdkTracerProvider provider;
    EngineFixture f;

    @BeforeEach
    void setUp() throws Exception {
        spans = InMemorySpanExporter.create();
        provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
        EngineTracing tracing = new EngineTracing(OpenTelemetrySdk.builder().setTracerProvider(provider).build());
        f = new EngineFixture(tmp, EngineFixture.fastSettings().withQueryTimeout(Duration.ofSeconds(10)), tracing);
    }

    @AfterEach
    void tearDown() {
        f.close();
        provider.close();
    }

    static final String TWO_BY_TWO = """
            works:
              - id: wk-a
                name: First
                agent: scripted
                model: m1
              - id: wk-b
                name: Second
                agent: scripted
            tasks:
              - id: t1
                work: wk-a
                query: "write app/one.txt first"
              - id: t2
                work: wk-a
                query: "write docs/two.md second"
              - id: t3
                work: wk-b
                query: "write app/three.txt third"
              - id: t4
                work: wk-b
                query: "write docs/four.md fourth"
            """;

    @Test
    void aWorkflowRunIsOneTraceWithTheSeedsSpanTree() {
        Workflow wf = f.create(WorkflowRunTest.spec("wf-trace", TWO_BY_TWO));
        f.workflows().start(wf.id());
        assertThat(f.await(wf.id(), WorkflowStatus.COMPLETED, WorkflowStatus.FAILED).status()).isEqualTo(WorkflowStatus.COMPLETED);
        List<SpanData> all = finished("workflow.execute");

        assertThat(all.stream().map(SpanData::getTraceId).distinct()).hasSize(1);
        Map<String, SpanData> byId = all.stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
        SpanData root = only(all, "workflow.execute");
        assertThat(root.getParentSpanId()).isEqualTo(SpanId.getInvalid());
        assertThat(root.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
        assertThat(root.getAttributes().get(EngineTracing.WORKFLOW_STATUS)).isEqualTo("COMPLETED");

        // workflow.execute → resource.prepare_worktrees, work.execute × 2 (in sequence order)
        assertThat(names(children(all, root))).containsExactly("resource.prepare_worktrees", "work.execute", "work.execute");
        List<SpanData> works = children(all, root).stream().filter(s -> s.getName().equals("work.execute")).toList();
        for (int i = 0; i < 2; i++) {
            SpanData work = works.get(i);
            assertThat(work.getAttributes().get(EngineTracing.WORK_ID)).isEqualTo(i == 0 ? "wk-a" : "wk-b");
            assertThat(work.getAttributes().get(EngineTracing.WORK_SEQUENCE)).isEqualTo(i);
            assertThat(work.getAttributes().get(EngineTracing.AGENT_TYPE)).isEqualTo("scripted");
            assertThat(names(children(all, work))).containsExactly("resource.prepare_workspace", "agent.start",
                    "task.execute", "task.execute", "agent.stop", "checkpoint.create");
            List<SpanData> tasks = children(all, work).stream().filter(s -> s.getName().equals("task.execute")).toList();
            for (int t = 0; t < 2; t++) {
                SpanData task = tasks.get(t);
                assertThat(task.getAttributes().get(EngineTracing.TASK_ORDER)).isEqualTo(t);
                assertThat(task.getAttributes().get(EngineTracing.TASK_ID)).isEqualTo("t" + (2 * i + t + 1));
                assertThat(names(children(all, task))).containsExactly("query.send", "query.wait_response", "report.generate");
                children(all, task).forEach(s -> assertThat(s.getAttributes().get(EngineTracing.TASK_ID)).isEqualTo(task.getAttributes().get(EngineTracing.TASK_ID)));
                assertThat(only(children(all, task), "query.send").getAttributes().get(EngineTracing.QUERY_LENGTH)).isPositive();
                assertThat(only(children(all, task), "report.generate").getAttributes().get(EngineTracing.REPORT_ID)).startsWith("rp");
            }
            SpanData agent = only(children(all, work), "agent.start");
            assertThat(agent.getAttributes().get(EngineTracing.AGENT_TYPE)).isEqualTo("scripted");
            assertThat(agent.getAttributes().get(EngineTracing.MCP_SERVER_COUNT)).isZero();
            SpanData merge = only(children(all, agent), "mcp.config.merge");
            assertThat(merge.getAttributes().get(EngineTracing.MCP_REFS_GLOBAL)).isEmpty();
            assertThat(merge.getAttributes().get(EngineTracing.MCP_REFS_WORK)).isEmpty();
            if (i == 0) assertThat(agent.getAttributes().get(EngineTracing.WORK_MODEL)).isEqualTo("m1");
            SpanData checkpoint = only(children(all, work), "checkpoint.create");
            List<SpanData> commits = children(all, checkpoint);
            assertThat(names(commits)).containsExactly("git.commit", "git.commit");
            assertThat(commits.stream().map(s -> s.getAttributes().get(EngineTracing.GIT_ID))).containsExactly("app", "docs");
            assertThat(commits).allSatisfy(c -> assertThat(c.getAttributes().get(EngineTracing.GIT_COMMIT)).hasSize(40));
            assertThat(checkpoint.getAttributes().get(AttributeKey.stringArrayKey("checkpoint.commit_hashes"))).hasSize(2);
            // every span below a work carries its work.id
            descendants(all, work).forEach(s -> assertThat(s.getAttributes().get(EngineTracing.WORK_ID)).as(s.getName()).isEqualTo(work.getAttributes().get(EngineTracing.WORK_ID)));
        }
        // every span: workflow.id and correlationId; every parent is in the trace; nothing failed
        assertThat(all).allSatisfy(s -> {
            assertThat(s.getAttributes().get(EngineTracing.WORKFLOW_ID)).as(s.getName()).isEqualTo("wf-trace");
            assertThat(s.getAttributes().get(EngineTracing.CORRELATION_ID)).as(s.getName()).isEqualTo(wf.correlationId());
            assertThat(s.getStatus().getStatusCode()).as(s.getName()).isNotEqualTo(StatusCode.ERROR);
            if (s != root) assertThat(byId).as(s.getName()).containsKey(s.getParentSpanId());
        });
        assertThat(all).hasSize(1 + 1 + 2 * (1 + 2 + 2 * 4 + 1 + 1 + 2) + 2);

        // cleanup is a trace of its own, with the workflow's ids
        spans.reset();
        f.engine.removeWorktrees(f.workflows().get(wf.id()));
        SpanData cleanup = only(spans.getFinishedSpanItems(), "resource.cleanup");
        assertThat(cleanup.getParentSpanId()).isEqualTo(SpanId.getInvalid());
        assertThat(cleanup.getAttributes().get(EngineTracing.WORKFLOW_ID)).isEqualTo("wf-trace");
        assertThat(cleanup.getAttributes().get(EngineTracing.CORRELATION_ID)).isEqualTo(wf.correlationId());
    }

    @Test
    void aFailingTaskMarksItsSpansAsErrors() {
        Workflow wf = f.create(WorkflowRunTest.spec("wf-trace-fail", """
                works:
                  - id: wk-a
                    name: First
                    agent: scripted
                tasks:
                  - id: t1
                    work: wk-a
                    query: "write app/one.txt first"
                  - id: t2
                    work: wk-a
                    query: "fail 3 boom"
                """));
        f.workflows().start(wf.id());
        assertThat(f.await(wf.id(), WorkflowStatus.COMPLETED, WorkflowStatus.FAILED).status()).isEqualTo(WorkflowStatus.FAILED);
        List<SpanData> all = finished("workflow.execute");

        SpanData root = only(all, "workflow.execute");
        SpanData work = only(all, "work.execute");
        List<SpanData> tasks = children(all, work).stream().filter(s -> s.getName().equals("task.execute")).toList();
        assertThat(tasks).hasSize(2);
        assertThat(tasks.get(0).getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
        SpanData failed = tasks.get(1);
        assertThat(failed.getAttributes().get(EngineTracing.TASK_ID)).isEqualTo("t2");
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(failed.getAttributes().get(EngineTracing.ERROR_TYPE)).isEqualTo("TaskFailed");
        assertThat(failed.getAttributes().get(EngineTracing.ERROR_MESSAGE)).contains("status 3");
        SpanData waited = only(children(all, failed), "query.wait_response");
        assertThat(waited.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(waited.getAttributes().get(EngineTracing.ERROR_TYPE)).isEqualTo("AgentError");
        assertThat(waited.getAttributes().get(EngineTracing.QUERY_EXIT_CODE)).isEqualTo(3L);
        // the failure goes up: work and workflow are ERROR too; no checkpoint after a failed work
        assertThat(work.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(root.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(root.getAttributes().get(EngineTracing.WORKFLOW_STATUS)).isEqualTo("FAILED");
        assertThat(names(children(all, work))).containsExactly("resource.prepare_workspace", "agent.start",
                "task.execute", "task.execute", "agent.stop");
        assertThat(all).allSatisfy(s -> assertThat(s.getAttributes().get(EngineTracing.CORRELATION_ID)).isEqualTo(wf.correlationId()));
    }

    /** The spans once the root has ended (the workflow's status is saved a moment before its span ends). */
    private List<SpanData> finished(String rootName) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> spans.getFinishedSpanItems().stream().anyMatch(s -> s.getName().equals(rootName)));
        return spans.getFinishedSpanItems();
    }

    private static SpanData only(List<SpanData> spans, String name) {
        List<SpanData> found = spans.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(found).as(name).hasSize(1);
        return found.getFirst();
    }

    private static List<SpanData> children(List<SpanData> spans, SpanData parent) {
        return spans.stream().filter(s -> s.getParentSpanId().equals(parent.getSpanId()))
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
    }

    private static List<SpanData> descendants(List<SpanData> spans, SpanData parent) {
        List<SpanData> out = new java.util.ArrayList<>();
        for (SpanData c : children(spans, parent)) {
            out.add(c);
            out.addAll(descendants(spans, c));
        }
        return out;
    }

    private static List<String> names(List<SpanData> spans) {
        return spans.stream().map(SpanData::getName).toList();
    }
}
