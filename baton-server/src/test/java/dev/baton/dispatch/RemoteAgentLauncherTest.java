package dev.baton.dispatch;

import dev.baton.agent.AgentResult;
import dev.baton.agent.AgentResult.Outcome;
import dev.baton.agent.AgentSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The engine's port served by a real worker over loopback gRPC, running the example agents as real processes. */
class RemoteAgentLauncherTest extends DispatchFixtureTest {
    static final Duration START = Duration.ofSeconds(20);
    static final Duration QUERY = Duration.ofSeconds(30);

    @TempDir
    Path workspace;

    @Test
    void oneshotAgentRunsOnTheWorkerAndAnswers() throws Exception {
        f.worker("w1", null, 2);
        try (AgentSession session = f.launcher.start(DispatchFixture.start("scripted", workspace, START, QUERY))) {
            AgentResult ok = session.query("t1", "echo hello from afar\nenv BATON_WORKER_ID\nenv BATON_CORRELATION_ID\nwrite out.txt written remotely");
            assertThat(ok.outcome()).as(String.valueOf(ok.error())).isEqualTo(Outcome.SUCCEEDED);
            assertThat(ok.output()).contains("hello from afar", "BATON_WORKER_ID=w1", "BATON_CORRELATION_ID=corr-test");
            assertThat(workspace.resolve("out.txt")).hasContent("written remotely");

            AgentResult failed = session.query("t2", "fail 3 broken on purpose");
            assertThat(failed.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(failed.exitCode()).isEqualTo(3);
            assertThat(failed.stderrTail()).contains("broken on purpose");
        }
        assertThat(f.meters.get("worker.assignments").counter().count()).isEqualTo(1.0);
        // The slot is free again after the session stopped.
        await().atMost(Duration.ofSeconds(20)).until(() -> f.registry.worker("w1").orElseThrow().load() == 0);
    }

    @Test
    void sessionAgentKeepsOneProcessForAllTasks() throws Exception {
        f.worker("w1", null, 1);
        try (AgentSession session = f.launcher.start(DispatchFixture.start("scripted-session", workspace, START, QUERY))) {
            assertThat(session.pid()).isPresent();
            long pid = session.pid().getAsLong();
            AgentResult first = session.query("t1", "echo one");
            AgentResult second = session.query("t2", "echo two");
            assertThat(first.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(first.output()).contains("one");
            assertThat(second.output()).contains("two");
            assertThat(ProcessHandle.of(pid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
        }
    }

    @Test
    void stopKillsTheAgentsProcessTreeOnTheWorker() throws Exception {
        f.worker("w1", null, 1);
        AgentSession session = f.launcher.start(DispatchFixture.start("scripted-session", workspace, START, QUERY));
        long pid = session.pid().orElseThrow();
        CompletableFuture<AgentResult> running = CompletableFuture.supplyAsync(() -> {
            try {
                return session.query("t1", "sleep 60");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        // The sleep runs in a child of the session agent: wait until the tree has it.
        await().atMost(Duration.ofSeconds(20)).until(() -> ProcessHandle.of(pid).map(p -> p.descendants().findAny().isPresent()).orElse(false));
        var tree = ProcessHandle.of(pid).orElseThrow().descendants().toList();

        session.stop();

        assertThat(running.get().outcome()).isEqualTo(Outcome.STOPPED);
        await().atMost(Duration.ofSeconds(20)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)
                && tree.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(session.query("t2", "echo late").outcome()).isEqualTo(Outcome.STOPPED);
    }

    @Test
    void withoutAWorkerQueriesAnswerStartFailed() throws Exception {
        AgentSession session = f.launcher.start(DispatchFixture.start("scripted", workspace, Duration.ofMillis(300), QUERY));
        AgentResult r = session.query("t1", "echo nobody");
        assertThat(r.outcome()).isEqualTo(Outcome.START_FAILED);
        assertThat(r.error()).contains("no worker connected");
        session.stop();
    }

    @Test
    void startWaitsForAWorkerThatConnectsLater() throws Exception {
        CompletableFuture<AgentSession> starting = CompletableFuture.supplyAsync(() -> f.launcher.start(DispatchFixture.start("scripted", workspace, START, QUERY)));
        await().atMost(Duration.ofSeconds(5)).until(() -> f.sessions.size() == 1);
        f.worker("late", null, 1);
        try (AgentSession session = starting.get()) {
            assertThat(session.query("t1", "env BATON_WORKER_ID").output()).contains("BATON_WORKER_ID=late");
        }
    }

    @Test
    void aWorkerOnlyTakesAgentsItsAgentLabelNames() throws Exception {
        var settings = new dev.baton.worker.WorkerSettings(f.target(), null, "only-session", java.util.Map.of("agent", "scripted-session"), 1, null);
        var w = new dev.baton.worker.WorkerRuntime(settings, f.channel(), new dev.baton.agent.process.ProcessAgentLauncher(),
                new dev.baton.worker.DebugAgentLogSink(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry()).start();
        try {
            await().atMost(Duration.ofSeconds(20)).until(w::connected);
            AgentSession refused = f.launcher.start(DispatchFixture.start("scripted", workspace, Duration.ofMillis(300), QUERY));
            assertThat(refused.query("t1", "echo x").outcome()).isEqualTo(Outcome.START_FAILED);
            try (AgentSession taken = f.launcher.start(DispatchFixture.start("scripted-session", workspace, START, QUERY))) {
                assertThat(taken.query("t1", "env BATON_WORKER_ID").output()).contains("only-session");
            }
        } finally {
            w.close();
        }
    }
}
