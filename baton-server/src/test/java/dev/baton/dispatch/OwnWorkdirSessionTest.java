package dev.baton.dispatch;

import dev.baton.agent.AgentResult;
import dev.baton.agent.AgentSession;
import dev.baton.agent.AgentStart;
import dev.baton.agent.process.ProcessAgentLauncher;
import dev.baton.git.GitCli;
import dev.baton.worker.DebugAgentLogSink;
import dev.baton.worker.WorkerRuntime;
import dev.baton.worker.WorkerSettings;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One agent session on an own-workdir worker, driven task by task while the server's worktree changes between tasks. */
class OwnWorkdirSessionTest {
    @TempDir
    Path tmp;
    @TempDir
    Path workdir;
    final GitCli git = new GitCli(Duration.ofSeconds(60));
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Path worktree;
    Path workspace;
    Server server;
    WorkerRuntime worker;
    RemoteAgentLauncher launcher;
    RemoteSessions sessions;

    @BeforeEach
    void setUp() throws Exception {
        Path repo = tmp.resolve("git/app");
        git.init(repo, Map.of("README.md", "# App\n"), "initial");
        worktree = tmp.resolve("worktrees/wf-1/app");
        git.addWorktree(repo, worktree, "baton/wf-1");
        workspace = tmp.resolve("workflows/wf-1/workspaces/wk-1");
        Files.createDirectories(workspace);
        Files.createSymbolicLink(workspace.resolve("app"), worktree);

        DispatchSettings settings = new DispatchSettings(Duration.ofMillis(200), Duration.ofSeconds(15), Duration.ofSeconds(5));
        WorkerRegistry registry = new WorkerRegistry(Clock.systemUTC());
        sessions = new RemoteSessions(registry);
        DispatchMetrics metrics = new DispatchMetrics(meters, registry);
        String name = "own-session-" + System.nanoTime();
        server = InProcessServerBuilder.forName(name)
                .addService(new WorkerControlService(registry, sessions, settings, metrics, "test"))
                .addService(new WorkspaceTransferService(sessions, git, tmp.resolve("run/transfer"), 1 << 20, meters))
                .build().start();
        worker = new WorkerRuntime(new WorkerSettings(name, null, "far-away", Map.of(), 1, null).withWorkdir(workdir),
                InProcessChannelBuilder.forName(name).build(), new ProcessAgentLauncher(), new DebugAgentLogSink(), new SimpleMeterRegistry()).start();
        launcher = new RemoteAgentLauncher(registry, sessions, settings, metrics);
        await().atMost(Duration.ofSeconds(20)).until(worker::connected);
    }

    @AfterEach
    void tearDown() {
        worker.close();
        server.shutdownNow();
    }

    AgentSession start() {
        return start("scripted-session", Duration.ofSeconds(30));
    }

    AgentSession start(String profile, Duration startTimeout) {
        return launcher.start(new AgentStart(DispatchFixture.PROFILES.require(profile), workspace, null,
                Map.of("BATON_WORKFLOW_ID", "wf-1", "BATON_WORK_ID", "wk-1", "BATON_CORRELATION_ID", "corr-1",
                        "BATON_WORKSPACE", workspace.toString(), "BATON_REPORTS_DIR", tmp.resolve("reports").toString()),
                startTimeout, Duration.ofSeconds(30), Duration.ofSeconds(3), AgentStart.OutputListener.NONE));
    }

    @Test
    void theStartTimeoutWaitsWhileTheRepositoryIsBeingFetched() throws Exception {
        // The fetch is held up (the repository's lock is taken, as by a diff being applied) for longer than the
        // start timeout: the start must wait for it rather than fail, and the timeout counts from its end.
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        Thread holder = Thread.ofVirtual().start(() -> git.withRepositoryLock(tmp.resolve("git/app"), () -> {
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        held.await();
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(Duration.ofSeconds(6));
            } catch (InterruptedException ignored) {
                // released at once
            }
            release.countDown();
        });
        long started = System.nanoTime();
        AgentSession session = start("scripted", Duration.ofSeconds(3));
        try {
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the start waited for the fetch").isGreaterThan(Duration.ofSeconds(5));
            AgentResult r = session.query("t1", "write app/late.txt fetched late");
            assertThat(r.succeeded()).as(r.error()).isTrue();
            assertThat(worktree.resolve("late.txt")).hasContent("fetched late");
        } finally {
            session.stop();
            release.countDown();
            holder.join();
        }
    }

    @Test
    void aCopyBehindTheServersWorktreeIsFetchedAgainBeforeTheNextTask() throws Exception {
        AgentSession session = start();
        try {
            AgentResult first = session.query("t1", "write app/agent.txt first\nenv BATON_WORKSPACE\nenv BATON_REPORTS_DIR");
            assertThat(first.succeeded()).as(first.error()).isTrue();
            Path local = workdir.resolve("wf-1/workspaces");
            assertThat(first.output()).contains("BATON_WORKSPACE=" + local.toAbsolutePath()).contains("BATON_REPORTS_DIR=" + local.toAbsolutePath());
            assertThat(worktree.resolve("agent.txt")).hasContent("first");
            git.stageAll(worktree); // as the engine does after each task

            // Between two tasks something else changes the worktree (the git manager applying a diff, say).
            Files.writeString(worktree.resolve("server.txt"), "server line\n");
            git.stageAll(worktree);

            AgentResult second = session.query("t2", "write app/server.txt agent line");
            assertThat(second.succeeded()).as(second.error()).isTrue();
            // The worker's copy had the server's file before the agent appended to it, so the change applied cleanly.
            assertThat(worktree.resolve("server.txt")).hasContent("server line\nagent line");
            assertThat(workdir.resolve("wf-1/repos/app/server.txt")).hasContent("server line\nagent line");
            assertThat(meters.get("workspace.transfer.calls").tags("call", "fetch", "outcome", "ok").counter().count()).isEqualTo(2.0);
        } finally {
            session.stop();
        }
    }

    @Test
    void aChangeTheServerCannotTakeFailsTheTaskAndTheNextTaskStartsFromTheServersState() throws Exception {
        AgentSession session = start();
        try {
            // The agent takes its time; meanwhile the server's worktree gets the same file with other content.
            Thread.ofVirtual().start(() -> {
                await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(workdir.resolve("wf-1/repos/app/clash.txt")));
                try {
                    Files.writeString(worktree.resolve("clash.txt"), "the server's\n");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            AgentResult clash = session.query("t1", "write app/clash.txt the agent's\nsleep 2");
            assertThat(clash.outcome()).isEqualTo(AgentResult.Outcome.FAILED);
            assertThat(clash.error()).contains("the changes in app did not reach the server").contains("git apply refused it");
            assertThat(worktree.resolve("clash.txt")).hasContent("the server's");
            git.stageAll(worktree);

            AgentResult next = session.query("t2", "write app/next.txt fine");
            assertThat(next.succeeded()).as(next.error()).isTrue();
            assertThat(workdir.resolve("wf-1/repos/app/clash.txt")).as("the copy was reset to the server's state").hasContent("the server's");
            assertThat(worktree.resolve("next.txt")).hasContent("fine");
        } finally {
            session.stop();
        }
    }
}
