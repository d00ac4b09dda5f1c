package dev.baton.cli;

import dev.baton.agent.process.ProcessAgentLauncher;
import dev.baton.grpc.GrpcChannels;
import dev.baton.shared.SecretMasker;
import dev.baton.worker.Worker;
import dev.baton.worker.WorkerRuntime;
import dev.baton.worker.WorkerSettings;
import dev.baton.worker.logs.SpoolSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Runs agents for a Baton server on this machine: connects to the server's gRPC port, registers with its",
                "labels and capacity, heartbeats, runs the agents the server assigns (the same runner as the server) and",
                "reconnects forever with backoff; agents keep running across a short disconnect.",
                "Stops on SIGTERM or Ctrl-C, stopping its agents gracefully first."},
        footerHeading = "%nExamples:%n",
        footer = {"  baton worker --server baton.example.com:9090 --token $TOKEN --labels gpu=no,zone=eu --capacity 4",
                "  BATON_WORKER_SERVER=localhost:9090 BATON_WORKER_TOKEN=... baton worker --id build-box-1",
                "",
                "Environment: BATON_WORKER_SERVER, BATON_WORKER_TOKEN; POD_NAME, POD_NAMESPACE, NODE_NAME (copied onto every log line);",
                "LOG_LEVEL (default info); LOG_MASK_PATTERNS (extra regexes masked in agent output, as on the server);",
                "BATON_WORKER_SPOOL_DIR, BATON_WORKER_SPOOL_MEMORY_BYTES, BATON_WORKER_SPOOL_DISK_BYTES; BATON_WORKER_WORKDIR."})
public class WorkerCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--server", paramLabel = "HOST:PORT", description = "The server's gRPC address (env BATON_WORKER_SERVER).")
    private String server;

    @Option(names = "--token", paramLabel = "TOKEN", description = "This worker's token (env BATON_WORKER_TOKEN); omit when the server checks none.")
    private String token;

    @Option(names = "--id", paramLabel = "ID", description = "Worker id (default: host name + pid).")
    private String id;

    @Option(names = "--labels", paramLabel = "K=V,...", description = "Labels; agent=<profile> takes only that agent profile.")
    private String labels;

    @Option(names = "--capacity", paramLabel = "N", defaultValue = "1", description = "Agents run at once (default ${DEFAULT-VALUE}).")
    private int capacity;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Certificate (or CA) to trust: connects with TLS.")
    private Path tlsCert;

    @Option(names = "--workdir", paramLabel = "DIR",
            description = "Keep own copies of the repositories here (env BATON_WORKER_WORKDIR): the worker fetches them from the server before an agent starts and pushes each task's changes back, so it needs no access to the server's data folder. Without it, the server's data folder must be mounted at the same path.")
    private Path workdir;

    @Option(names = "--spool-dir", paramLabel = "DIR",
            description = "Where log lines wait for the server (env BATON_WORKER_SPOOL_DIR; default ./worker-spool/<id>). Keep it across restarts: lines not yet acknowledged are sent on the next start.")
    private Path spoolDir;

    @Option(names = "--spool-memory-bytes", paramLabel = "BYTES",
            description = "Log lines held in memory before they spill to disk (env BATON_WORKER_SPOOL_MEMORY_BYTES; default 4 MiB).")
    private Long spoolMemoryBytes;

    @Option(names = "--spool-disk-bytes", paramLabel = "BYTES",
            description = "Most spilled bytes on disk; beyond it the oldest unsent lines are dropped and replaced by a gap record (env BATON_WORKER_SPOOL_DISK_BYTES; default 1 GiB).")
    private Long spoolDiskBytes;

    private final CliEnvironment environment;
    /** Tests stop the worker through the runtime they receive here, instead of a signal. */
    Consumer<WorkerRuntime> onStarted = runtime -> { };

    public WorkerCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws InterruptedException {
        WorkerSettings settings = settings();
        quietLogging(environment.variable("LOG_LEVEL"));
        Path spool = spoolDirectory(settings.workerId());
        spec.commandLine().getErr().println("baton worker " + settings.workerId() + " connecting to " + settings.server()
                + " (capacity " + settings.capacity() + (settings.tlsCert() != null ? ", TLS" : "") + "; log spool " + spool
                + (settings.workdir() != null ? "; own workdir " + settings.workdir() : "; workspaces in the server's data folder") + ")");
        Worker worker = Worker.start(settings,
                () -> GrpcChannels.toServer(settings.server(), settings.tlsCert(), GrpcChannels.DEFAULT_MAX_MESSAGE_BYTES),
                new ProcessAgentLauncher(), spool, spoolSettings(), masker(), DRAIN_TIMEOUT, new SimpleMeterRegistry(), Clock.systemUTC());
        Thread hook = new Thread(worker::close, "worker-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        onStarted.accept(worker.runtime());
        worker.runtime().awaitClosed();
        worker.close(); // a no-op when the hook is already doing it
        worker.awaitClosed();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is what closed it
        }
        return ExitCodes.OK;
    }

    private static Path optionalPath(String value) {
        return value == null || value.isBlank() ? null : Path.of(value);
    }

    /** How long a stopping worker waits for the server to acknowledge its last log lines. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
    /** Half the embedded worker's: a standalone worker runs in a 40 MB heap (see ./baton), its backlog on disk. */
    static final long WORKER_MEMORY_CAP_BYTES = 4L << 20;

    private Path spoolDirectory(String workerId) {
        if (spoolDir != null) return spoolDir.toAbsolutePath().normalize();
        String env = environment.variable("BATON_WORKER_SPOOL_DIR");
        Path base = env != null ? Path.of(env) : Path.of("worker-spool");
        return base.resolve(workerId.replaceAll("[^A-Za-z0-9._-]", "_")).toAbsolutePath().normalize();
    }

    /** The seed 001 masking rules plus LOG_MASK_PATTERNS (comma-separated regexes), as on the server. */
    private SecretMasker masker() {
        String extra = environment.variable("LOG_MASK_PATTERNS");
        try {
            return new SecretMasker(extra == null ? List.of() : List.of(extra.split(",")));
        } catch (java.util.regex.PatternSyntaxException e) {
            throw usage("LOG_MASK_PATTERNS: " + e.getDescription() + " in " + e.getPattern());
        }
    }

    SpoolSettings spoolSettings() {
        SpoolSettings s = SpoolSettings.defaults();
        long memory = bytes("--spool-memory-bytes", spoolMemoryBytes, "BATON_WORKER_SPOOL_MEMORY_BYTES", WORKER_MEMORY_CAP_BYTES);
        long disk = bytes("--spool-disk-bytes", spoolDiskBytes, "BATON_WORKER_SPOOL_DISK_BYTES", s.diskCapBytes());
        try {
            return s.withMemoryCap(memory).withDiskCap(disk, Math.min(s.segmentBytes(), Math.max(1, disk / 4)));
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private long bytes(String option, Long given, String variable, long fallback) {
        if (given != null) return given;
        String env = environment.variable(variable);
        if (env == null || env.isBlank()) return fallback;
        try {
            return Long.parseLong(env.trim());
        } catch (NumberFormatException e) {
            throw usage(variable + "=" + env + " is not a number of bytes (" + option + ")");
        }
    }

    WorkerSettings settings() {
        String target = server != null ? server : environment.variable("BATON_WORKER_SERVER");
        if (target == null) throw usage("the server address is required: --server host:port or BATON_WORKER_SERVER");
        if (target.contains("://")) throw usage("--server takes host:port (the gRPC port), not a URL: " + target);
        String t = token != null ? token : environment.variable("BATON_WORKER_TOKEN");
        if (capacity < 1) throw usage("--capacity must be at least 1, got " + capacity);
        if (tlsCert != null && !Files.isReadable(tlsCert)) throw usage("--tls-cert " + tlsCert + " is not a readable file");
        Map<String, String> parsedLabels;
        try {
            parsedLabels = WorkerSettings.parseLabels(labels);
        } catch (IllegalArgumentException e) {
            throw usage("--labels: " + e.getMessage());
        }
        return new WorkerSettings(target, t, id != null ? id : WorkerSettings.defaultWorkerId(), parsedLabels, capacity, tlsCert)
                .withMetadata(WorkerSettings.metadataFromEnvironment(environment.env()))
                .withWorkdir(workdir != null ? workdir : optionalPath(environment.variable("BATON_WORKER_WORKDIR")));
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** Without Spring nothing configures Logback, whose default prints DEBUG: use LOG_LEVEL (default info). */
    private static void quietLogging(String level) {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx) {
            ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.toLevel(level, ch.qos.logback.classic.Level.INFO));
        }
    }
}
