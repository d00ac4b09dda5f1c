package dev.baton.dispatch;

import dev.baton.engine.DataLayout;
import dev.baton.engine.Engine;
import dev.baton.worker.WorkerSettings;
import dev.baton.workflow.Report;
import dev.baton.workflow.TaskStatus;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A real workflow through the real engine, its agents dispatched to a worker over an in-process gRPC server. */
class RemoteEngineTest {
    @TempDir
    Path dataDir;

    @Test
    void aWorkflowRunsToCompletionOnAWorker() throws Exception {
        try (EngineOnWorker on = new EngineOnWorker(dataDir, Map.of("README.md", "# App\n"),
                name -> new WorkerSettings(name, null, "in-process", Map.of(), 2, null))) {
            Engine engine = on.engine;
            DataLayout layout = on.layout;
            SimpleMeterRegistry meters = on.meters;
            RemoteSessions sessions = on.sessions;
            WorkerRegistry registry = on.registry;
            Workflow wf = engine.workflows().create("test.yaml", """
                    id: wf-remote
                    name: Remote workflow
                    repositories:
                      - name: app
                        path: app
                    works:
                      - id: wk-a
                        name: Oneshot
                        agent: scripted
                      - id: wk-b
                        name: Session
                        agent: scripted-session
                    tasks:
                      - id: t1
                        work: wk-a
                        query: "write app/one.txt from a worker"
                      - id: t2
                        work: wk-b
                        query: "env BATON_WORKER_ID"
                    """);
            engine.workflows().start(wf.id());
            await().atMost(Duration.ofSeconds(90)).until(() -> List.of(WorkflowStatus.COMPLETED, WorkflowStatus.FAILED)
                    .contains(engine.workflows().get(wf.id()).status()));

            Workflow done = engine.workflows().get(wf.id());
            assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(WorkflowStatus.COMPLETED);
            assertThat(done.works().stream().flatMap(w -> w.tasks().stream())).allMatch(t -> t.status() == TaskStatus.COMPLETED);
            assertThat(layout.worktree(wf.id(), "app").resolve("one.txt")).hasContent("from a worker");
            List<Report> reports = engine.workflows().reports(wf.id());
            assertThat(engine.workflows().reportContent(wf.id(), reports.get(1).id())).contains("BATON_WORKER_ID=in-process");
            assertThat(meters.get("worker.assignments").counter().count()).isEqualTo(2.0);
            // Every session was stopped and gave its slot back.
            await().atMost(Duration.ofSeconds(20)).until(() -> sessions.size() == 0 && registry.worker("in-process").orElseThrow().load() == 0);
        }
    }
}
