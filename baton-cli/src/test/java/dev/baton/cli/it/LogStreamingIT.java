package dev.baton.cli.it;

import dev.baton.cli.it.LogPumpProcess.Progress;
import dev.baton.worker.testing.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.baton.cli.it.LogPumpWorkerMain.LINES;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 4's end-to-end test of the log path: {@value LogPumpWorkerMain#LINES} numbered lines printed by a real
 * agent process on a real worker log path ({@link LogPumpWorkerMain}, its own JVM) reach a real
 * {@code baton.jar server} through a loopback TCP proxy while the test cuts every proxied connection three
 * times (once refusing new ones for a second), SIGKILLs the server while the agent still prints and later
 * stops it gracefully with SIGTERM, each time starting a new server on the same data folder and gRPC port.
 * Afterwards every line is stored exactly once and in order, read back page by page over REST.
 *
 * <p>What this exercises: the worker spool (spilling to disk while no server listens), the shipper's resume
 * from the server's ack and its reconnect backoff, the server's de-duplication by (worker, stream, sequence)
 * across a crash (lines stored but never acknowledged are sent again) and the log store's crash recovery.
 * The worker control stream is not involved: the point is the log path, so the agent is started by the
 * worker process itself rather than assigned by the server ({@link WorkerProcessIT} covers a real
 * {@code baton worker}).
 *
 * <p>Disruptions are timed by what the worker reports (lines appended and acknowledged), never by the clock,
 * and each comes right after the worker saw lines acknowledged, so the stream is busy. The agent holds at three
 * gates until the test releases it ({@link LogPumpWorkerMain#GATES}): the later disruptions then also happen
 * while it prints, however long the servers take to start on a loaded machine. The phases' durations are
 * printed to the test output.
 */
class LogStreamingIT {
    private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(120);
    private static final int PAGE = 10_000;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the server and worker logs for a look
    Path tmp;

    private final List<AutoCloseable> started = new ArrayList<>();
    private final List<Disruption> disruptions = new ArrayList<>();
    private final long t0 = System.nanoTime();
    private long lastPhase = t0;

    @AfterEach
    void stopEverythingWeStarted() {
        It.closeAll(started);
    }

    @Test
    void aMillionLinesAreStoredExactlyOnceAndInOrderAcrossCutsAKillAndAGracefulRestart() {
        Path data = tmp.resolve("data");
        It.initRepository(data.resolve("git/app"), "README.md", "app\n");
        int grpcPort = It.freePort(); // reused by every server: the worker's address never changes
        String token = randomToken();
        Map<String, String> settings = Map.of("GRPC_PORT", Integer.toString(grpcPort),
                "BATON_WORKER_TOKENS", LogPumpWorkerMain.WORKER_ID + "=" + token, "BATON_DISPATCH", "remote");

        ServerProcess first = startServer(data, "server-1.log", settings);
        HttpResponse<String> created = first.call("POST", "/api/v1/workflows", LogPumpWorkerMain.spec("A million lines from one worker"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        phase("server 1 ready, workflow " + LogPumpWorkerMain.WORKFLOW_ID + " created");

        TcpProxy proxy = TcpProxy.to(grpcPort);
        started.add(proxy);
        LogPumpProcess pump = LogPumpProcess.start(tmp.resolve("spool"), "127.0.0.1:" + proxy.port(), tmp.resolve("workspace"), token,
                tmp.resolve("pump.log"));
        started.add(pump);
        phase("worker JVM started");

        // 1. While the agent prints and lines flow: cut every connection.
        Progress beforeCut1 = pump.await("100,000 lines printed and some acknowledged", PHASE_TIMEOUT,
                p -> p.appended() >= 100_000 && p.acked() > 0);
        proxy.cutAll();
        disruption("cut 1 (cutAll)", pump, beforeCut1);

        // 2. Still printing: kill -9 the server once it stores lines again.
        Progress beforeKill = pump.await("250,000 lines printed and lines acknowledged after cut 1", PHASE_TIMEOUT,
                p -> p.appended() >= 250_000 && p.acked() > beforeCut1.acked());
        first.killHard();
        disruption("server 1 killed (SIGKILL)", pump, beforeKill);

        ServerProcess second = startServer(data, "server-2.log", settings);
        phase("server 2 ready; " + pump.progress());

        // 3. Server 2 has stored the backlog; the agent prints again: cut, and refuse new connections for a second.
        int gate1 = LogPumpWorkerMain.GATES.get(0);
        pump.await("the backlog up to the first gate acknowledged by server 2", PHASE_TIMEOUT, p -> p.acked() >= gate1);
        release(gate1);
        Progress beforeCut2 = pump.await("lines past the first gate acknowledged", PHASE_TIMEOUT, p -> p.acked() >= gate1 + 20_000);
        proxy.refuseNew();
        proxy.cutAll();
        disruption("cut 2 (cutAll, new connections refused for 1 s)", pump, beforeCut2);
        It.sleep(Duration.ofSeconds(1));
        proxy.acceptNew();

        // 4. Once lines flow again: SIGTERM, a graceful stop while the worker sends.
        Progress beforeTerm = pump.await("lines acknowledged after cut 2", PHASE_TIMEOUT, p -> p.acked() > beforeCut2.acked());
        String server2Duplicates = metric(second, "log_store_duplicates_skipped_total");
        second.terminate();
        int exit = second.awaitExit(Duration.ofSeconds(60));
        disruption("server 2 stopped (SIGTERM, exit " + exit + ")", pump, beforeTerm);
        assertThat(second.logText()).as("server 2 shut down gracefully").contains("ShutdownCompleted");

        ServerProcess third = startServer(data, "server-3.log", settings);
        phase("server 3 ready; " + pump.progress());

        // 5. A last cut while the agent prints again.
        int gate2 = LogPumpWorkerMain.GATES.get(1);
        pump.await("the backlog up to the second gate acknowledged by server 3", PHASE_TIMEOUT, p -> p.acked() >= gate2);
        release(gate2);
        Progress beforeCut3 = pump.await("lines past the second gate acknowledged", PHASE_TIMEOUT, p -> p.acked() >= gate2 + 50_000);
        proxy.cutAll();
        disruption("cut 3 (cutAll)", pump, beforeCut3);
        // The agent holds at the third gate until now: acknowledgements lag the agent, which could otherwise have
        // printed its last line before the cut on a quiet machine.
        release(LogPumpWorkerMain.GATES.get(2));

        int pumpExit = pump.awaitFlushedAndExit(PHASE_TIMEOUT);
        phase("worker flushed: " + pump.flushedLine());
        assertThat(pumpExit).as("worker exit code").isZero();
        assertThat(pump.agentExitedLine()).contains("outcome=SUCCEEDED", "appended=" + LINES);
        assertThat(pump.progress().dropped()).as("lines the worker dropped").isZero();
        System.out.printf("disruptions (the worker's counts just before each):%n");
        disruptions.forEach(d -> System.out.println("  " + d));
        System.out.printf("proxy accepted %d connections; duplicates skipped by server 2: %s, by server 3: %s; server 3 stored %s lines%n",
                proxy.connectionsAccepted(), server2Duplicates, metric(third, "log_store_duplicates_skipped_total"),
                metric(third, "log_store_lines_appended_total"));
        assertThat(disruptions).hasSize(5).allSatisfy(d -> assertThat(d.agentStillPrinting()).as("agent still printing at %s", d).isTrue());

        // 6. Every line exactly once, in order, from the last server.
        verifyStoredLines(third);
        phase("1,000,000 lines read back and checked");
    }

    /** Reads the whole log of the workflow page by page and checks it against the numbered lines, one by one. */
    private void verifyStoredLines(ServerProcess server) {
        long expected = 1;
        long after = 0;
        JsonNode sample = null;
        while (true) {
            JsonNode page = server.get("/api/v1/workflows/" + LogPumpWorkerMain.WORKFLOW_ID + "/logs?after=" + after + "&limit=" + PAGE);
            JsonNode lines = page.path("lines");
            if (lines.isEmpty()) break;
            for (JsonNode line : lines) {
                // Plain checks first: a million assertion descriptions would cost more than the reading.
                boolean gap = !line.path("gap").isNull() && !line.path("gap").isMissingNode();
                if (gap || expected > LINES || line.path("offset").asLong() != expected
                        || !line.path("message").asString().equals("line %07d".formatted(expected))
                        || !line.path("workerId").asString().equals(LogPumpWorkerMain.WORKER_ID)
                        || !line.path("taskId").asString().equals(LogPumpWorkerMain.TASK_ID)
                        || !line.path("source").asString().equals("STDOUT")
                        || line.path("partial").asBoolean()) {
                    throw new AssertionError("stored line " + expected + " is not line %07d of task %s from worker %s on stdout (%s): %s"
                            .formatted(expected, LogPumpWorkerMain.TASK_ID, LogPumpWorkerMain.WORKER_ID,
                                    gap ? "a gap entry" : expected > LINES ? "more lines than printed" : "a duplicate, a hole or another line", line));
                }
                if (sample == null) sample = line;
                expected++;
            }
            long next = page.path("nextAfter").asLong();
            assertThat(next).as("nextAfter after offset %d", after).isGreaterThan(after);
            after = next;
        }
        assertThat(expected - 1).as("lines stored").isEqualTo(LINES);
        assertThat(sample).isNotNull();
        assertThat(sample.path("metadata").path("pod_name").asString()).as("metadata of %s", sample).isEqualTo("it-pod");
        assertThat(sample.path("metadata").path("namespace").asString()).as("metadata of %s", sample).isEqualTo("it-namespace");
        assertThat(sample.path("metadata").path("node").asString()).as("metadata of %s", sample).isEqualTo("it-node");
    }

    /** One disruption and the worker's state right before it. */
    private record Disruption(String what, Progress before, boolean agentStillPrinting, double atSeconds) {
        @Override
        public String toString() {
            return String.format("%6.1f s  %-50s agent %s; %s", atSeconds, what, agentStillPrinting ? "printing" : "done", before);
        }
    }

    private void disruption(String what, LogPumpProcess pump, Progress before) {
        boolean printing = !pump.agentExited() && before.appended() < LINES;
        disruptions.add(new Disruption(what, before, printing, (System.nanoTime() - t0) / 1e9));
        phase(what + ", agent " + (printing ? "still printing" : "done") + "; " + before);
    }

    /** Lets the agent print past {@code gate}. */
    private void release(int gate) {
        try {
            Files.createFile(tmp.resolve("workspace").resolve("release-" + gate));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        phase("agent released at line " + gate);
    }

    /** One counter of the server's Prometheus scrape, as printed there ("?" when missing: it is only reported). */
    private static String metric(ServerProcess server, String name) {
        HttpResponse<String> r = server.call("GET", "/metrics", null);
        return r.body().lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{")).map(l -> Long.toString((long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))))
                .findFirst().orElse("?");
    }

    private ServerProcess startServer(Path data, String logName, Map<String, String> settings) {
        ServerProcess server = ServerProcess.start(data, tmp.resolve(logName), settings);
        started.add(server);
        return server.awaitReady();
    }

    private void phase(String what) {
        long now = System.nanoTime();
        System.out.printf("[%6.1f s, +%5.1f s] %s%n", (now - t0) / 1e9, (now - lastPhase) / 1e9, what);
        lastPhase = now;
    }

    private static String randomToken() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder token = new StringBuilder();
        for (int i = 0; i < 32; i++) token.append(alphabet.charAt(random.nextInt(alphabet.length())));
        return token.toString();
    }
}
