package dev.baton.cli.it;

import dev.baton.ping.nats.NatsServerProcess;
import dev.baton.spec.SpecYaml;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * An outside agent in another language, written the way seed 000 §2.3 sketches one (examples/node-agent: NATS
 * pings, plain YAML read and overwrite, no version handling, nothing Baton-specific), takes part in a workflow
 * next to Baton's own scripted agent: the workflow completes, the Node task is completed in the API and in the
 * spec file, and the server refused no edit of the file.
 */
class NodeAgentIT {
    private static final String ID = "wf-node-agent";
    private static final String NODE_AGENT = "node-agent";
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);
    private static final String SPEC = """
            id: %s
            name: A Node agent next to Baton's own
            repositories:
              - name: app
                path: app
            works:
              - id: wk-1
                name: Change and review
                agent: scripted
            tasks:
              - id: t-baton
                work: wk-1
                query: "write app/baton.txt written by Baton's scripted agent"
              - id: t-node
                work: wk-1
                query: review the change
                assignedTo: %s
            """.formatted(ID, NODE_AGENT);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the server's and the agent's logs
    Path tmp;

    private final NatsServerProcess nats = NatsServerProcess.onFreePort();
    private ServerProcess server;
    private Process node;

    @AfterEach
    void stopEverything() {
        if (node != null) It.killAll(It.tree(node.toHandle()));
        if (server != null) server.close();
        nats.stop();
    }

    @Test
    void aSeed000NodeAgentCompletesItsTaskInAWorkflowBatonRuns() throws IOException {
        Path agentDir = It.projectRoot().resolve("examples/node-agent");
        installDependencies(agentDir);
        nats.start();
        Path data = tmp.resolve("data");
        It.initRepository(data.resolve("git/app"), "README.md", "app\n");
        server = ServerProcess.start(data, tmp.resolve("server.log"), Map.of("NATS_URL", nats.url()));
        server.awaitReady();
        Path nodeLog = tmp.resolve("node-agent.log");
        node = startNodeAgent(agentDir, nodeLog);
        It.await("the Node agent to subscribe (log " + nodeLog + ")", It.TIMEOUT, () -> {
            if (!node.isAlive()) throw new IllegalStateException("node exited with " + node.exitValue() + ":\n" + read(nodeLog));
            return read(nodeLog);
        }, log -> log.contains("subscribed to spec.changed"));

        server.createAndStart(SPEC);

        JsonNode wf = It.await(ID + " to finish (server log " + server.log + ", agent log " + nodeLog + ")", It.TIMEOUT,
                () -> server.workflow(ID), w -> List.of("COMPLETED", "FAILED", "CANCELLED").contains(w.path("status").asString()));
        assertThat(wf.path("status").asString()).as("workflow; agent log:\n%s\nserver log:\n%s", read(nodeLog), server.logText())
                .isEqualTo("COMPLETED");
        assertThat(taskStatuses(wf)).containsEntry("t-baton", "COMPLETED").containsEntry("t-node", "COMPLETED");
        Path specFile = data.resolve("specs/active").resolve(ID + ".yaml");
        It.await("the spec file to show the Node task completed", It.TIMEOUT, () -> fileTaskStatus(specFile, "t-node"), "completed"::equals);
        assertThat(read(nodeLog)).contains(ID + "/t-node: in-progress", ID + "/t-node: carried out", ID + "/t-node: completed");
        assertNoEditRefused(server.logText());
        // The agent rewrites the whole file on every ping (as seed 000 does); once the work is done its
        // rewrites change only the formatting, which Baton neither versions nor pings: the cycle has ended.
        long settled = fileVersion(specFile);
        sleep(3000);
        assertThat(fileVersion(specFile)).as("the spec's version keeps climbing: agent and server answer each other").isLessThanOrEqualTo(settled + 1);
        assertThat(It.git(data.resolve("git/app"), "show", "baton/" + ID + ":baton.txt")).isEqualTo("written by Baton's scripted agent");
    }

    /**
     * The Node agent overwrites the file in place, as seed 000's agents do ({@code fs.writeFile}: truncate, then
     * write), so the server's watcher can catch the file empty or half written for an instant; the server gives
     * such a file a moment and reads it again before it refuses anything. No refusal may show up at all.
     */
    private static void assertNoEditRefused(String serverLog) {
        assertThat(serverLog.lines().filter(l -> l.contains("SpecEditRefused") || l.contains("edit refused")).toList())
                .as("refused edits in the server log").isEmpty();
    }

    private static long fileVersion(Path specFile) throws IOException {
        return Long.parseLong(Files.readAllLines(specFile).stream().filter(l -> l.startsWith("version:")).findFirst()
                .orElseThrow().substring("version:".length()).strip());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code npm ci} the first time: the test needs nothing installed by hand but Node 20 and npm. */
    private void installDependencies(Path agentDir) {
        if (Files.isDirectory(agentDir.resolve("node_modules/nats")) && Files.isDirectory(agentDir.resolve("node_modules/yaml"))) return;
        Path log = tmp.resolve("npm-ci.log");
        try {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(agentDir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            npm.getOutputStream().close();
            if (!npm.waitFor(NPM_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                It.killAll(It.tree(npm.toHandle()));
                fail("npm ci in " + agentDir + " did not finish within " + NPM_TIMEOUT.toMinutes() + " min:\n" + read(log));
            }
            if (npm.exitValue() != 0) fail("npm ci in " + agentDir + " failed (" + npm.exitValue() + "):\n" + read(log));
        } catch (IOException e) {
            fail("cannot run npm (" + e.getMessage() + "): NodeAgentIT needs Node.js 20 or newer with npm on the PATH", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted during npm ci", e);
        }
    }

    private Process startNodeAgent(Path agentDir, Path log) {
        Map<String, String> env = It.environment(Map.of("AGENT_ID", NODE_AGENT, "NATS_URL", nats.url(),
                "WORK_DIR", tmp.resolve("node-work").toString()));
        try {
            ProcessBuilder pb = new ProcessBuilder("node", "agent.js").directory(agentDir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().clear();
            pb.environment().putAll(env);
            Process p = pb.start();
            p.getOutputStream().close();
            return p;
        } catch (IOException e) {
            return fail("cannot start node (" + e.getMessage() + "): NodeAgentIT needs Node.js 20 or newer on the PATH", e);
        }
    }

    private static Map<String, String> taskStatuses(JsonNode wf) {
        Map<String, String> statuses = new java.util.LinkedHashMap<>();
        for (JsonNode work : wf.path("works")) {
            for (JsonNode task : work.path("tasks")) statuses.put(task.path("id").asString(), task.path("status").asString());
        }
        return statuses;
    }

    private static String fileTaskStatus(Path specFile, String taskId) {
        List<String> found = new ArrayList<>();
        for (JsonNode task : SpecYaml.readTree(specFile.toString(), read(specFile)).path("tasks")) {
            if (taskId.equals(task.path("id").asString(null))) found.add(task.path("status").asString(null));
        }
        return found.size() == 1 ? found.getFirst() : null;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
