package dev.baton.cli.it;

import com.sun.net.httpserver.HttpServer;
import dev.baton.grpc.SelfSignedCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real {@code baton worker} process against a real server that runs no agents itself
 * ({@code BATON_DISPATCH=remote}) and checks per-worker tokens: the worker registers, runs a workflow's agent to
 * COMPLETED, and the agent's output is then stored under the worker's id and readable over REST. A second
 * {@code baton worker} with a wrong token is refused with UNAUTHENTICATED, says so in its output, keeps retrying
 * (a token fixed on the server side needs no worker restart) and never registers.
 */
class WorkerProcessIT {
    private static final String WORKFLOW_ID = "wf-remote-worker";
    private static final String WORKER_ID = "w-it";
    private static final String INTRUDER_ID = "w-intruder";
    /** Tokens live in the test only; both workers get theirs through the environment, never on the command line. */
    private static final String TOKEN = "it-token-" + "0123456789abcdefghijklmnop";
    private static final String WRONG_TOKEN = "it-token-" + "not-the-right-one-at-all";
    /** The control stream's refusal (registration), as WorkerRuntime logs it at each attempt. */
    private static final Pattern CONTROL_REFUSED = Pattern.compile("(?<!log stream of )worker " + INTRUDER_ID + " refused by \\S+: UNAUTHENTICATED");
    /** The log stream's refusal, as LogShipper logs it. */
    /** WorkerRuntime's line for a control stream that failed (a plaintext worker against a TLS server). */
    private static final Pattern LOST_STREAM = Pattern.compile("worker " + INTRUDER_ID + " (lost its control stream to \\S+ \\(|refused by \\S+: )(UNAVAILABLE|INTERNAL|UNKNOWN)");
    private static final Pattern LOGS_REFUSED = Pattern.compile("log stream of worker " + INTRUDER_ID + " refused by \\S+: UNAUTHENTICATED");

    private static final String SPEC = """
            id: %s
            name: Agent on a remote worker
            repositories:
              - name: app
                path: app
            works:
              - id: wk-1
                name: One work
                agent: scripted
            tasks:
              - id: t1
                work: wk-1
                query: |
                  echo hello from the remote worker
                  write app/remote.txt written remotely
                  echo second line
            """.formatted(WORKFLOW_ID);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the server and worker logs for a look
    Path tmp;

    private final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach
    void stopEverythingWeStarted() {
        It.closeAll(started);
    }

    @Test
    void aRemoteWorkerRunsTheWorkflowAndItsOutputIsStoredUnderItsIdWhileAWrongTokenIsRefused() throws IOException {
        Path data = tmp.resolve("data");
        It.initRepository(data.resolve("git/app"), "README.md", "app\n");
        int grpcPort = It.freePort();
        ServerProcess server = ServerProcess.start(data, tmp.resolve("server.log"), Map.of("GRPC_PORT", Integer.toString(grpcPort),
                "BATON_WORKER_TOKENS", WORKER_ID + "=" + TOKEN + "," + INTRUDER_ID + "=" + TOKEN + "-for-the-intruder",
                "BATON_DISPATCH", "remote"));
        started.add(server);
        server.awaitReady();
        assertThat(connectedWorkers(server)).as("workers before any started").isZero();

        // 1. The worker registers.
        BatonWorker worker = BatonWorker.start(tmp, WORKER_ID, TOKEN, grpcPort);
        started.add(worker);
        It.await("worker " + WORKER_ID + " registered (/ready workers.connected; worker log " + worker.log + ")", It.TIMEOUT,
                () -> worker.checkRunning(connectedWorkers(server)), n -> n == 1);

        // 2. A workflow runs on it to the end.
        runsTheWorkflowToTheEnd(server, worker, data);

        // 3. The agent's output is in the log store, under the worker's id. It may land just after the result.
        JsonNode lines = It.await("the agent's output in GET /logs", It.TIMEOUT,
                () -> server.get("/api/v1/workflows/" + WORKFLOW_ID + "/logs?limit=1000").path("lines"),
                l -> l.valueStream().anyMatch(line -> line.path("message").asString().equals("second line")));
        List<JsonNode> stdout = lines.valueStream().filter(l -> l.path("source").asString().equals("STDOUT")).toList();
        assertThat(stdout.stream().map(l -> l.path("message").asString()))
                .containsSubsequence("hello from the remote worker", "second line");
        assertThat(lines.valueStream()).as("every stored line").isNotEmpty().allSatisfy(l -> {
            assertThat(l.path("workerId").asString()).as("%s", l).isEqualTo(WORKER_ID);
            assertThat(l.path("taskId").asString()).as("%s", l).isEqualTo("t1");
            assertThat(l.path("workflowId").asString()).as("%s", l).isEqualTo(WORKFLOW_ID);
        });
        assertThat(lines.valueStream().map(l -> l.path("source").asString())).as("the scripted agent reports progress on stderr")
                .contains("STDERR");

        // 4. A worker with a wrong token is refused, says why, and keeps trying without ever registering.
        BatonWorker intruder = BatonWorker.start(tmp, INTRUDER_ID, WRONG_TOKEN, grpcPort);
        started.add(intruder);
        It.await("the intruder's registration to be refused twice and its log stream once (worker log " + intruder.log + ")", It.TIMEOUT,
                () -> intruder.checkRunning(intruder.output()), out -> count(CONTROL_REFUSED, out) >= 2 && count(LOGS_REFUSED, out) >= 1);
        assertThat(intruder.isAlive()).as("a refused worker keeps retrying rather than exiting").isTrue();
        assertThat(intruder.output()).doesNotContain(WRONG_TOKEN);
        assertThat(connectedWorkers(server)).as("/ready workers.connected with the intruder retrying").isEqualTo(1);
        assertThat(worker.output()).as("the worker never prints its token").doesNotContain(TOKEN);
        assertThat(server.logText()).as("the server never prints a token").doesNotContain(TOKEN).doesNotContain(WRONG_TOKEN);
        String out = intruder.output();
        System.out.printf("intruder refused %d times so far, e.g.:%n  %s%n  %s%n", count(CONTROL_REFUSED, out),
                firstMatchingLine(out, CONTROL_REFUSED), firstMatchingLine(out, LOGS_REFUSED));
    }

    @Test
    void overTlsAWorkerTrustingTheCertificateRunsTheWorkflowWhileAPlaintextOneNeverRegisters() throws Exception {
        SelfSignedCertificate tls = SelfSignedCertificate.create(Files.createDirectories(tmp.resolve("tls")));
        Path data = tmp.resolve("data");
        It.initRepository(data.resolve("git/app"), "README.md", "app\n");
        int grpcPort = It.freePort();
        ServerProcess server = ServerProcess.start(data, tmp.resolve("server.log"), Map.of("GRPC_PORT", Integer.toString(grpcPort),
                "BATON_WORKER_TOKENS", WORKER_ID + "=" + TOKEN + "," + INTRUDER_ID + "=" + TOKEN + "-plain",
                "BATON_DISPATCH", "remote", "GRPC_TLS_CERT", tls.cert().toString(), "GRPC_TLS_KEY", tls.key().toString()));
        started.add(server);
        server.awaitReady();

        BatonWorker worker = BatonWorker.start(tmp, WORKER_ID, TOKEN, grpcPort, "--tls-cert", tls.cert().toString());
        started.add(worker);
        It.await("worker " + WORKER_ID + " registered over TLS (worker log " + worker.log + ")", It.TIMEOUT,
                () -> worker.checkRunning(connectedWorkers(server)), n -> n == 1);
        runsTheWorkflowToTheEnd(server, worker, data);
        It.await("the agent's output stored over the TLS log stream", It.TIMEOUT,
                () -> server.get("/api/v1/workflows/" + WORKFLOW_ID + "/logs?limit=1000").path("lines"),
                l -> l.valueStream().anyMatch(line -> line.path("message").asString().equals("second line")));

        // The right token over plaintext: the TLS server does not speak to it.
        BatonWorker plain = BatonWorker.start(tmp, INTRUDER_ID, TOKEN + "-plain", grpcPort);
        started.add(plain);
        It.await("the plaintext worker's connection to fail twice (worker log " + plain.log + ")", It.TIMEOUT,
                () -> plain.checkRunning(plain.output()), out -> count(LOST_STREAM, out) >= 2);
        assertThat(connectedWorkers(server)).as("/ready workers.connected with the plaintext worker retrying").isEqualTo(1);
    }

    @Test
    void aRemoteWorkersAgentGetsTheMergedMcpConfigWithItsSecretNeverShown() throws Exception {
        String docsToken = "it-docs-token-" + "9f8e7d6c5b4a3f2e1d0c";
        Path data = tmp.resolve("data");
        int grpcPort = It.freePort();
        ServerProcess server = serverWithMcp(data, grpcPort, docsToken);
        assertThat(server.get("/ready").at("/checks/mcpServers/detail").asString()).isEqualTo("1/1 servers reachable");
        BatonWorker worker = BatonWorker.start(tmp, WORKER_ID, TOKEN, grpcPort);
        started.add(worker);
        It.await("worker " + WORKER_ID + " registered (worker log " + worker.log + ")", It.TIMEOUT,
                () -> worker.checkRunning(connectedWorkers(server)), n -> n == 1);

        runsTheWorkflowToTheEnd(server, worker, data, SPEC.replace("agent: scripted", "agent: scripted-mcp"));
        JsonNode lines = It.await("the agent's MCP config lines in GET /logs", It.TIMEOUT,
                () -> server.get("/api/v1/workflows/" + WORKFLOW_ID + "/logs?limit=1000").path("lines"),
                l -> l.valueStream().anyMatch(line -> line.path("message").asString().startsWith("mcp-config {")));
        List<String> messages = lines.valueStream().map(l -> l.path("message").asString()).toList();
        assertThat(messages).as("the config file the remote worker's agent read").anySatisfy(m -> assertThat(m)
                .startsWith("mcp-config {\"mcpServers\":{\"docs\":{\"type\":\"http\"").contains("/mcp").doesNotContain(docsToken));
        assertThat(messages).contains("mcp-config-mode 600").anySatisfy(m -> assertThat(m).startsWith("mcp-config-env /").endsWith(".baton-mcp.json"));
        messages.stream().filter(m -> m.startsWith("mcp-config")).forEach(m -> System.out.println("agent printed: " + m));
        assertThat(String.join("\n", messages)).doesNotContain(docsToken);
        assertThat(worker.output()).doesNotContain(docsToken);
        assertThat(server.logText()).doesNotContain(docsToken);
    }

    @Test
    void aWorkerWithItsOwnWorkdirRunsAgentsInItsCopiesAndPushesTheirChangesIntoTheServersCheckpoints() throws Exception {
        String docsToken = "it-docs-token-" + "own-workdir-0a1b2c3d4e";
        Path data = tmp.resolve("data");
        int grpcPort = It.freePort();
        ServerProcess server = serverWithMcp(data, grpcPort, docsToken);
        // The worker's machine: a folder of its own, nowhere under the server's data folder.
        Path workdir = tmp.resolve("worker-machine/workdir");
        BatonWorker worker = BatonWorker.start(tmp, WORKER_ID, TOKEN, grpcPort, "--workdir", workdir.toString());
        started.add(worker);
        It.await("worker " + WORKER_ID + " registered (worker log " + worker.log + ")", It.TIMEOUT,
                () -> worker.checkRunning(connectedWorkers(server)), n -> n == 1);

        runsTheWorkflowToTheEnd(server, worker, data, SPEC.replace("agent: scripted", "agent: scripted-mcp")
                .replace("echo second line", "env BATON_WORKSPACE\n      echo second line"));

        // remote.txt (checked above in the server's worktree) was written in the worker's copy and pushed.
        assertThat(workdir.resolve(WORKFLOW_ID).resolve("repos/app/remote.txt")).hasContent("written remotely");
        Path worktree = data.resolve("worktrees").resolve(WORKFLOW_ID).resolve("app");
        assertThat(It.git(worktree, "show", "HEAD:remote.txt").strip()).as("the work's checkpoint commit").isEqualTo("written remotely");
        JsonNode lines = It.await("the agent's lines in GET /logs", It.TIMEOUT,
                () -> server.get("/api/v1/workflows/" + WORKFLOW_ID + "/logs?limit=1000").path("lines"),
                l -> l.valueStream().anyMatch(line -> line.path("message").asString().equals("second line")));
        List<String> messages = lines.valueStream().map(l -> l.path("message").asString()).toList();
        String localWorkspaces = workdir.resolve(WORKFLOW_ID).resolve("workspaces").toString();
        assertThat(messages).as("the agent ran in the worker's workspace").anySatisfy(m -> assertThat(m).startsWith("BATON_WORKSPACE=" + localWorkspaces));
        assertThat(messages).as("its MCP config was written there, owner-only").contains("mcp-config-mode 600")
                .anySatisfy(m -> assertThat(m).startsWith("mcp-config-env " + localWorkspaces).endsWith(".baton-mcp.json"));
        assertThat(String.join("\n", messages)).doesNotContain(docsToken).doesNotContain(data.resolve("workflows").toString());
        assertThat(worker.output()).doesNotContain(docsToken).doesNotContain(TOKEN).contains("own workdir " + workdir);
        assertThat(server.logText()).doesNotContain(docsToken).contains("applied the changes of task t1 in repository app from a worker");
        try (Stream<Path> left = Files.list(workdir.resolve(WORKFLOW_ID).resolve("workspaces"))) {
            assertThat(left).as("the session's workspace (with the MCP file) is gone with the session").isEmpty();
        }
    }

    /** A ready server (remote dispatch, the worker's token) whose BATON_MCP_SERVERS names one http MCP server with a bearer header. */
    private ServerProcess serverWithMcp(Path data, int grpcPort, String docsToken) throws IOException {
        Path servers = mcpServers(docsToken);
        It.initRepository(data.resolve("git/app"), "README.md", "app\n");
        ServerProcess server = ServerProcess.start(data, tmp.resolve("server.log"), Map.of("GRPC_PORT", Integer.toString(grpcPort),
                "BATON_WORKER_TOKENS", WORKER_ID + "=" + TOKEN, "BATON_DISPATCH", "remote",
                "BATON_MCP_SERVERS", servers.toString(), "IT_DOCS_TOKEN", docsToken));
        started.add(server);
        server.awaitReady();
        return server;
    }

    /** A streamable-HTTP MCP server answering initialize, and the BATON_MCP_SERVERS file naming it with a bearer header. */
    private Path mcpServers(String docsToken) throws IOException {
        HttpServer mcp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        mcp.createContext("/mcp", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] answer = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"serverInfo\":{\"name\":\"it-docs\",\"version\":\"1\"}}}"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        mcp.start();
        started.add(() -> mcp.stop(0));
        return Files.writeString(tmp.resolve("mcp-servers.yaml"), """
                servers:
                  docs:
                    url: "http://127.0.0.1:%d/mcp"
                    headers: {Authorization: "Bearer ${IT_DOCS_TOKEN}"}
                    global: true
                """.formatted(mcp.getAddress().getPort()));
    }

    private static void runsTheWorkflowToTheEnd(ServerProcess server, BatonWorker worker, Path data) throws IOException {
        runsTheWorkflowToTheEnd(server, worker, data, SPEC);
    }

    private static void runsTheWorkflowToTheEnd(ServerProcess server, BatonWorker worker, Path data, String spec) throws IOException {
        server.createAndStart(spec);
        JsonNode done = It.await("workflow " + WORKFLOW_ID + " to end", It.TIMEOUT, () -> worker.checkRunning(server.workflow(WORKFLOW_ID)),
                wf -> Stream.of("COMPLETED", "FAILED", "CANCELLED", "PAUSED").anyMatch(s -> s.equals(wf.path("status").asString())));
        assertThat(done.path("status").asString()).as("status (error: %s); worker log:%n%s", done.path("error"), worker.output())
                .isEqualTo("COMPLETED");
        assertThat(Files.readAllLines(data.resolve("worktrees").resolve(WORKFLOW_ID).resolve("app/remote.txt")))
                .containsExactly("written remotely");
    }

    private static long count(Pattern p, String text) {
        return p.matcher(text).results().count();
    }

    private static String firstMatchingLine(String text, Pattern p) {
        return text.lines().filter(l -> p.matcher(l).find()).findFirst().orElse("(none)");
    }

    private static int connectedWorkers(ServerProcess server) {
        JsonNode workers = server.get("/ready").path("checks").path("workers");
        if (workers.isMissingNode()) throw new AssertionError("/ready has no workers check");
        return workers.path("connected").asInt();
    }

    /** A {@code baton worker} process with its own spool folder, its output in a log file. */
    private static final class BatonWorker implements AutoCloseable {
        final Path log;
        private final Process process;

        private BatonWorker(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        static BatonWorker start(Path tmp, String id, String token, int grpcPort, String... moreArgs) {
            Path log = tmp.resolve("worker-" + id + ".log");
            try {
                List<String> args = new ArrayList<>(List.of("--server", "127.0.0.1:" + grpcPort, "--id", id,
                        "--spool-dir", tmp.resolve("spool-" + id).toString()));
                args.addAll(List.of(moreArgs));
                ProcessBuilder pb = new ProcessBuilder(It.workerCommand(args.toArray(String[]::new))).directory(tmp.toFile())
                        .redirectErrorStream(true).redirectOutput(log.toFile());
                pb.environment().clear();
                pb.environment().putAll(It.environment(Map.of("BATON_WORKER_TOKEN", token)));
                Process process = pb.start();
                process.getOutputStream().close();
                return new BatonWorker(process, log);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        boolean isAlive() {
            return process.isAlive();
        }

        /** {@code value}, unless the worker has exited: then fails at once with its output. */
        <T> T checkRunning(T value) {
            if (!process.isAlive()) throw new IllegalStateException("baton worker exited with " + process.exitValue() + ":\n" + output());
            return value;
        }

        String output() {
            try {
                return Files.exists(log) ? Files.readString(log) : "";
            } catch (IOException e) {
                return "(cannot read " + log + ": " + e + ")";
            }
        }

        @Override
        public void close() {
            It.killAll(It.tree(process.toHandle()));
        }
    }
}
