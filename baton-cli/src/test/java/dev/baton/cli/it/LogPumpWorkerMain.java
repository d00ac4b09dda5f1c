package dev.baton.cli.it;

import dev.baton.agent.AgentProfile;
import dev.baton.agent.AgentProfile.AgentMode;
import dev.baton.agent.AgentProfile.QueryInput;
import dev.baton.agent.AgentResult;
import dev.baton.agent.AgentSession;
import dev.baton.agent.AgentStart;
import dev.baton.agent.process.ProcessAgentLauncher;
import dev.baton.grpc.GrpcChannels;
import dev.baton.shared.SecretMasker;
import dev.baton.worker.logs.LogShipper;
import dev.baton.worker.logs.LogSinkListener;
import dev.baton.worker.logs.LogSpool;
import dev.baton.worker.logs.MaskingLogSink;
import dev.baton.worker.logs.ShipperSettings;
import dev.baton.worker.logs.SpoolSettings;
import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The worker side of {@link LogStreamingIT}, run in a JVM of its own (so the test can restart the server under
 * it and the two never share a heap or a scheduler): the log path of {@code dev.baton.worker.Worker.start}
 * built piece by piece — {@link LogSpool} with a 1 MiB memory cap (so a dead server makes it spill to disk),
 * {@link MaskingLogSink}, {@link LogSinkListener} as the output listener of a real agent process started by
 * {@link ProcessAgentLauncher}, and a {@link LogShipper} to the server (through the test's proxy). The worker
 * control stream is left out on purpose: the agent is started here, not assigned by the server.
 *
 * <p>Arguments: spool folder, server {@code host:port}, agent workspace. The worker token comes from the
 * environment ({@value #TOKEN_VARIABLE}), never from the command line (visible to {@code ps}).
 *
 * <p>Talks to the test on stdout, one line each: {@code PROGRESS appended=… acked=… unacked=… dropped=…}
 * every {@value #PROGRESS_INTERVAL_MS} ms, {@code AGENT_EXITED …} when the agent is done, then
 * {@code FLUSHED …} once the server acknowledged every line; exit code 0 only then.
 */
public final class LogPumpWorkerMain {
    static final String WORKER_ID = "w1";
    static final String WORKFLOW_ID = "wf-1m";
    static final String TASK_ID = "t1";

    /** The workflow the pumped lines belong to: created so that the server serves its log; its own agent never runs. */
    static String spec(String name) {
        return """
                id: %s
                name: %s
                repositories:
                  - name: app
                    path: app
                works:
                  - id: wk-1
                    name: Never started
                    agent: scripted
                tasks:
                  - id: %s
                    work: wk-1
                    query: "echo the lines come from the test's worker, not from this task"
                """.formatted(WORKFLOW_ID, name, TASK_ID);
    }
    static final int LINES = 1_000_000;
    static final String TOKEN_VARIABLE = "BATON_IT_WORKER_TOKEN";
    private static final long PROGRESS_INTERVAL_MS = 100;

    /** Where the agent stops printing until the test creates {@code release-<line>} in its workspace. */
    static final List<Integer> GATES = List.of(400_000, 700_000, 900_000);

    /**
     * Numbered lines, paced (a short sleep every 5,000 lines: about 80,000 lines/s, so the stream is busy
     * whenever the test strikes), holding at each {@link #GATES gate} until the test releases it: every
     * disruption the test makes then happens while the agent is still running and has lines left to print,
     * however slowly the servers start on a loaded machine. {@code system()} flushes awk's output first.
     */
    static final List<String> AGENT_ARGV = List.of("awk", "BEGIN{for(i=1;i<=" + LINES + ";i++){printf \"line %07d\\n\", i;"
            + " if(i%5000==0) system(\"sleep 0.05\");"
            + GATES.stream().map(g -> " if(i==" + g + ") while(system(\"test -e release-" + g + "\")!=0) system(\"sleep 0.05\");")
            .reduce("", String::concat)
            + "}}");

    private LogPumpWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        quietLogging();
        Path spoolDir = Path.of(args[0]);
        String target = args[1];
        Path workspace = Path.of(args[2]);
        String token = System.getenv(TOKEN_VARIABLE);

        MeterRegistry meters = new SimpleMeterRegistry();
        LogSpool spool = LogSpool.open(spoolDir, SpoolSettings.defaults().withMemoryCap(1024 * 1024), meters, Clock.systemUTC());
        ManagedChannel channel = GrpcChannels.toServer(target, null, GrpcChannels.DEFAULT_MAX_MESSAGE_BYTES);
        LogShipper shipper = LogShipper.start(channel, spool,
                ShipperSettings.of(WORKER_ID, token).withBackoff(Duration.ofMillis(50), Duration.ofSeconds(1)), meters);
        Thread progress = Thread.ofPlatform().daemon().name("pump-progress").start(() -> reportProgress(meters));

        AgentProfile profile = new AgentProfile("line-pump", AgentMode.ONESHOT, AGENT_ARGV, QueryInput.STDIN, Map.of(), null, null, null);
        AgentStart start = new AgentStart(profile, workspace, null, Map.of(), Duration.ofSeconds(30), Duration.ofMinutes(5),
                Duration.ofSeconds(5), LogSinkListener.of(new MaskingLogSink(spool, SecretMasker.defaults()), WORKFLOW_ID));
        AgentResult result;
        try (AgentSession session = new ProcessAgentLauncher().start(start)) {
            System.out.println("AGENT_STARTED");
            result = session.query(TASK_ID, "");
        }
        System.out.println("AGENT_EXITED outcome=" + result.outcome() + " exit=" + result.exitCode() + " " + counts(meters));
        if (!result.succeeded()) {
            System.out.println("AGENT_FAILED " + result.error() + " stderr: " + result.stderrTail());
            System.exit(2);
        }
        while (!shipper.flush(Duration.ofSeconds(5))) {
            System.out.println("FLUSH_WAITING " + counts(meters));
        }
        progress.interrupt();
        System.out.println("FLUSHED " + counts(meters));
        shipper.close();
        spool.close();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        System.exit(0);
    }

    private static void reportProgress(MeterRegistry meters) {
        while (!Thread.currentThread().isInterrupted()) {
            System.out.println("PROGRESS " + counts(meters));
            try {
                Thread.sleep(PROGRESS_INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static String counts(MeterRegistry meters) {
        return "appended=" + (long) meters.counter("worker.logs.lines.appended").count()
                + " acked=" + (long) meters.counter("worker.logs.lines.acked").count()
                + " unacked=" + (long) meters.get("worker.logs.unacked.lines").gauge().value()
                + " dropped=" + (long) meters.counter("worker.logs.dropped.lines").count()
                + " spilled=" + (long) meters.counter("worker.logs.bytes.spilled").count()
                + " reconnects=" + (long) meters.counter("worker.logs.reconnects").count();
    }

    /** Without Spring nothing configures Logback, whose default is DEBUG (gRPC and Netty are very talkative). */
    private static void quietLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx) {
            ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.INFO);
        }
    }
}
