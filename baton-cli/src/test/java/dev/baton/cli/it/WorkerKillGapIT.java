package dev.baton.cli.it;

import dev.baton.cli.it.LogPumpProcess.Progress;
import dev.baton.worker.testing.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.baton.cli.it.LogPumpWorkerMain.LINES;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker JVM killed (SIGKILL) while the server is unreachable, with lines it numbered still in its spool's memory
 * (and its spill file's write buffer), then restarted on the same spool folder: the server stores every line that
 * reached it (the spilled ones, resent by the restarted worker), then exactly one gap record for the lines that
 * never did (the exact range, through the workflow's REST log), then the restarted worker's own lines. Same worker as {@link LogStreamingIT}: {@link LogPumpWorkerMain}.
 */
class WorkerKillGapIT {
    private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(120);
    private static final int PAGE = 10_000;
    private static final int KILLED_AT = LogPumpWorkerMain.GATES.getFirst(); // the first run's agent holds there

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    private final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach
    void stopEverythingWeStarted() {
        It.closeAll(started);
    }

    @Test
    void linesLostWithAKilledWorkerAreOneGapRecordWithTheirExactRange() throws IOException {
        Path data = tmp.resolve("data");
        It.initRepository(data.resolve("git/app"), "README.md", "app\n");
        int grpcPort = It.freePort();
        String token = "kill-gap-token-0123456789abcdefghij";
        ServerProcess server = ServerProcess.start(data, tmp.resolve("server.log"), Map.of("GRPC_PORT", Integer.toString(grpcPort),
                "BATON_WORKER_TOKENS", LogPumpWorkerMain.WORKER_ID + "=" + token, "BATON_DISPATCH", "remote"));
        started.add(server);
        server.awaitReady();
        HttpResponse<String> created = server.call("POST", "/api/v1/workflows", LogPumpWorkerMain.spec("Lines from a worker that gets killed"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        TcpProxy proxy = TcpProxy.to(grpcPort);
        started.add(proxy);

        // 1. The server is unreachable while the agent prints up to its gate: the lines pile up in the worker, the
        //    newest in memory (1 MiB) and in the spill file's write buffer, the older ones in spill files.
        proxy.refuseNew();
        LogPumpProcess first = LogPumpProcess.start(tmp.resolve("spool"), "127.0.0.1:" + proxy.port(), tmp.resolve("workspace"), token,
                tmp.resolve("pump-1.log"));
        started.add(first);
        Progress atKill = first.await("the agent at its gate: " + KILLED_AT + " lines numbered", PHASE_TIMEOUT,
                p -> p.appended() == KILLED_AT);
        first.close(); // SIGKILL: no close(), memory and unflushed spill buffer lost
        System.out.println("first worker killed; its last report: " + atKill);

        // 2. The worker restarts on the same spool folder with the server reachable; its agent prints all its lines.
        proxy.acceptNew();
        for (int gate : LogPumpWorkerMain.GATES) Files.createFile(tmp.resolve("workspace").resolve("release-" + gate));
        LogPumpProcess second = LogPumpProcess.start(tmp.resolve("spool"), "127.0.0.1:" + proxy.port(), tmp.resolve("workspace"), token,
                tmp.resolve("pump-2.log"));
        started.add(second);
        assertThat(second.awaitFlushedAndExit(PHASE_TIMEOUT)).as("second worker exit code").isZero();

        // 3. Read back: the first run's lines that arrived, one gap record for the rest of them, the second run's lines.
        List<JsonNode> gaps = new ArrayList<>();
        long firstRun = 0;
        long secondRun = 0;
        long after = 0;
        while (true) {
            JsonNode page = server.get("/api/v1/workflows/" + LogPumpWorkerMain.WORKFLOW_ID + "/logs?after=" + after + "&limit=" + PAGE);
            JsonNode lines = page.path("lines");
            if (lines.isEmpty()) break;
            for (JsonNode line : lines) {
                boolean gap = !line.path("gap").isNull() && !line.path("gap").isMissingNode();
                if (gap) {
                    gaps.add(line);
                    continue;
                }
                String message = line.path("message").asString();
                if (gaps.isEmpty() && message.equals("line %07d".formatted(firstRun + 1))) firstRun++;
                else if (!gaps.isEmpty() && message.equals("line %07d".formatted(secondRun + 1))) secondRun++;
                else throw new AssertionError("out of order after " + firstRun + " lines of the first run, " + secondRun
                            + " of the second and " + gaps.size() + " gap(s): " + line);
            }
            after = page.path("nextAfter").asLong();
        }
        System.out.printf("first run: %d of %d lines stored; gap records: %s; second run: %d lines%n", firstRun, KILLED_AT, gaps, secondRun);
        assertThat(firstRun).as("the first run's spilled lines arrive, the rest was lost with it").isLessThan(KILLED_AT).isPositive();
        long arrived = firstRun;
        assertThat(gaps).singleElement().satisfies(gap -> {
            assertThat(gap.path("gap").path("droppedLines").asLong()).isEqualTo(KILLED_AT - arrived);
            assertThat(gap.path("metadata").path("gap_first_sequence").asString()).isEqualTo(Long.toString(arrived + 1));
            assertThat(gap.path("metadata").path("gap_last_sequence").asString()).isEqualTo(Long.toString(KILLED_AT));
            assertThat(gap.path("metadata").path("gap_origin").asString()).isEqualTo("server");
            assertThat(gap.path("workerId").asString()).isEqualTo(LogPumpWorkerMain.WORKER_ID);
        });
        assertThat(secondRun).isEqualTo(LINES);
        HttpResponse<String> metrics = server.call("GET", "/metrics", null);
        assertThat(metrics.body().lines().filter(l -> l.startsWith("log_store_gap_lines_total{") && l.contains("origin=\"server\""))
                .map(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))))
                .as("the gap counter").containsExactly((long) KILLED_AT - firstRun);
    }
}
