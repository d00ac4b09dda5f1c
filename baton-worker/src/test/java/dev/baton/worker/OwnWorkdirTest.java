package dev.baton.worker;

import dev.baton.agent.AgentStart;
import dev.baton.git.GitCli;
import dev.baton.git.WorktreeTransfer;
import dev.baton.grpc.v1.StartAgent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The parts of an own workdir that need no server: paths the agent gets, ids that could leave the folder, clean-up. */
class OwnWorkdirTest {
    @TempDir
    Path workdir;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    OwnWorkdir ownWorkdir() {
        return new OwnWorkdir(workdir, new WorktreeTransfer(new GitCli(Duration.ofSeconds(30))), null, meters);
    }

    @Test
    void theAgentGetsThisMachinesPathsInsteadOfTheServers() {
        String server = "/srv/baton/data/workflows/wf-1/workspaces/wk-1";
        StartAgent m = StartAgent.newBuilder().setWorkspace(server).setMcpConfig("{\"mcpServers\":{}}")
                .putEnv("BATON_WORKSPACE", server).putEnv(AgentStart.MCP_CONFIG_ENV, server + "/.baton-mcp.json")
                .putEnv("BATON_REPORTS_DIR", "/srv/baton/data/workflows/wf-1/reports").putEnv("BATON_WORKFLOW_ID", "wf-1")
                .putEnv("UNRELATED", server + "-not-inside").build();
        Path local = workdir.resolve("wf-1/workspaces/as-1");

        Map<String, String> env = OwnWorkdir.localEnv(m, local);

        assertThat(env).containsEntry("BATON_WORKSPACE", local.toString())
                .containsEntry(AgentStart.MCP_CONFIG_ENV, local + "/.baton-mcp.json")
                .containsEntry("BATON_REPORTS_DIR", local.resolve("reports").toString())
                .containsEntry("BATON_WORKFLOW_ID", "wf-1")
                .containsEntry("UNRELATED", server + "-not-inside");
        assertThat(OwnWorkdir.localEnv(m.toBuilder().clearMcpConfig().build(), local)).as("no MCP file written, no variable naming one")
                .doesNotContainKey(AgentStart.MCP_CONFIG_ENV);
    }

    @Test
    void idsFromTheServerThatCouldLeaveTheWorkdirAreRefusedBeforeAnythingIsWritten() {
        OwnWorkdir w = ownWorkdir();
        StartAgent ok = StartAgent.newBuilder().setWorkflowId("wf-1").setSessionId("as-1").build();

        assertThatThrownBy(() -> w.prepare(ok.toBuilder().setWorkflowId("../../etc").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the server sent an unusable workflow id '../../etc'");
        assertThatThrownBy(() -> w.prepare(ok.toBuilder().addRepositories("app/../../x").build()))
                .hasMessage("the server sent an unusable repository 'app/../../x'");
        assertThatThrownBy(() -> w.prepare(ok.toBuilder().setSessionId("").build())).hasMessage("the server sent an unusable session id ''");
        assertThat(workdir).isEmptyDirectory();
    }

    @Test
    void workflowFoldersUnusedForAWeekGoUnlessASessionUsesThem() throws Exception {
        Instant now = Instant.parse("2030-01-10T00:00:00Z");
        Path old = folder("wf-old", now.minus(Duration.ofDays(8)));
        Path recent = folder("wf-recent", now.minus(Duration.ofDays(6)));
        Path unmarked = Files.createDirectories(workdir.resolve("not-ours/repos"));
        OwnWorkdir w = ownWorkdir();
        // a session of a workflow with an old marker, started just now (no repositories to fetch)
        Path inUse = folder("wf-busy", now.minus(Duration.ofDays(30)));
        w.prepare(StartAgent.newBuilder().setWorkflowId("wf-busy").setSessionId("as-1").build());
        Files.setLastModifiedTime(inUse.resolve(OwnWorkdir.LAST_USED), FileTime.from(now.minus(Duration.ofDays(30))));

        w.removeUnused(now);

        assertThat(old).doesNotExist();
        assertThat(recent.resolve("repos/app/file.txt")).exists();
        assertThat(unmarked).exists();
        assertThat(inUse).exists();
        assertThat(meters.get("worker.workspace.removed").counter().count()).isEqualTo(1.0);
        w.forget("as-1");
        w.removeUnused(now);
        assertThat(inUse).as("once its session ended").doesNotExist();
    }

    private Path folder(String wf, Instant lastUsed) throws Exception {
        Path dir = workdir.resolve(wf);
        Files.createDirectories(dir.resolve("repos/app"));
        Files.writeString(dir.resolve("repos/app/file.txt"), "x");
        Files.createDirectories(dir.resolve("workspaces/as-9"));
        Files.createSymbolicLink(dir.resolve("workspaces/as-9/app"), dir.resolve("repos/app"));
        Files.writeString(dir.resolve(OwnWorkdir.LAST_USED), "");
        Files.setLastModifiedTime(dir.resolve(OwnWorkdir.LAST_USED), FileTime.from(lastUsed));
        return dir;
    }
}
