package dev.baton.cli.bench;

import dev.baton.shared.FileTrees;
import dev.baton.cli.CliEnvironment;
import dev.baton.cli.CliException;
import dev.baton.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code baton bench NAME}: runs a benchmark in-process and prints its figures; see bench/README.md. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Runs a benchmark and prints its figures next to their targets (PASS/MISS).",
                "The figures also go as JSON to bench/out/<name>-<timestamp>.json under",
                "BATON_HOME (or --out-dir), with the run's log beside it. See bench/README.md.",
                "",
                "Benchmarks:",
                "  engine  overhead per task of 1 workflow of 10 works x 100 tasks run by the",
                "          no-op agent (a process per task; the agent's own time excluded) and",
                "          tasks/s; 100 workflows started at once, with raised and with default",
                "          limits; idle RSS of the real server started from baton.jar.",
                "          Needs git and examples/agents under BATON_HOME. Takes a few minutes.",
                "  ping    latency from a spec write to 100 spec.changed subscribers: direct",
                "          and watched (WatchService, Watchman), over NATS and in-process, and",
                "          seed 000's Node.js Watchman → NATS bridge as the baseline. Starts its",
                "          own nats-server; needs node/npm for the baseline. About 2 minutes.",
                "  logs    worker log streaming (seed 004): lines/s and MiB/s from 8 workers",
                "          into the durable log store, write → live stream latency at",
                "          10,000 lines/s, the same with one unary call per line (baseline),",
                "          and a real worker's RSS while 1 GiB of backlog spills to disk.",
                "          Loopback, in this JVM plus one worker process. A few minutes.",
                "  workdir a worker with its own workdir (--workdir) against one that sees the",
                "          server's data folder: agent start (first fetch of the repository, then",
                "          of one new commit) and time per task (each task's change pushed).",
                "          Loopback, in this JVM. About a minute."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  ./baton bench engine",
                "  ./baton bench engine --parts overhead --works 4 --tasks-per-work 50",
                "  ./baton bench engine --parts rss --idle-seconds 30",
                "  ./baton bench ping",
                "  ./baton bench ping --paths DIRECT,BASELINE --buses NATS --writes 2000",
                "  ./baton bench logs",
                "  ./baton bench logs --log-parts THROUGHPUT,BASELINE --log-lines 200000",
                "  ./baton bench workdir --workdir-tasks 100 --repo-files 5000"})
public class BenchCommand implements Callable<Integer> {
    static final List<String> NAMES = List.of("engine", "ping", "logs", "workdir");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /** The parts of {@code bench engine}. */
    enum Part { OVERHEAD, CONCURRENCY, RSS }

    private final CliEnvironment environment;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "The benchmark to run: engine, ping, logs or workdir.")
    String name;

    @Option(names = "--parts", split = ",", paramLabel = "PART",
            description = "Parts of the engine benchmark to run: OVERHEAD, CONCURRENCY, RSS (default: all).")
    Set<Part> parts = EnumSet.allOf(Part.class);

    @Option(names = "--works", defaultValue = "10", paramLabel = "N", description = "Works of the overhead workflow (default ${DEFAULT-VALUE}).")
    int works;

    @Option(names = "--tasks-per-work", defaultValue = "100", paramLabel = "N", description = "Tasks per work of the overhead workflow (default ${DEFAULT-VALUE}).")
    int tasksPerWork;

    @Option(names = "--warmup-tasks", defaultValue = "100", paramLabel = "N", description = "Tasks of the warm-up workflow, discarded; 0 for none (default ${DEFAULT-VALUE}).")
    int warmupTasks;

    @Option(names = "--workflows", defaultValue = "100", paramLabel = "N", description = "Workflows started at once (default ${DEFAULT-VALUE}).")
    int workflows;

    @Option(names = "--tasks-per-workflow", defaultValue = "3", paramLabel = "N", description = "Tasks of each of those workflows, one work (default ${DEFAULT-VALUE}).")
    int tasksPerWorkflow;

    @Option(names = "--idle-seconds", defaultValue = "10", paramLabel = "S", description = "How long the server idles after /ready before RSS is sampled (default ${DEFAULT-VALUE}).")
    int idleSeconds;

    @Option(names = "--samples", defaultValue = "5", paramLabel = "N", description = "RSS samples, 1 s apart; the median is reported (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--timeout", defaultValue = "180", paramLabel = "S", description = "Longest wait for one run, in seconds (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Mixin
    PingBenchOptions ping = new PingBenchOptions();

    @Mixin
    LogsBenchOptions logs = new LogsBenchOptions();

    @Option(names = "--workdir-tasks", defaultValue = "200", paramLabel = "N", description = "workdir: tasks per worker (default ${DEFAULT-VALUE}).")
    int workdirTasks;

    @Option(names = "--repo-files", defaultValue = "2000", paramLabel = "N", description = "workdir: files in the repository (default ${DEFAULT-VALUE}).")
    int repoFiles;

    @Option(names = "--file-bytes", defaultValue = "4096", paramLabel = "BYTES", description = "workdir: bytes per file, random (default ${DEFAULT-VALUE}).")
    int fileBytes;

    @Option(names = "--out-dir", paramLabel = "DIR", description = "Where the JSON and the log go (default: BATON_HOME/bench/out).")
    Path outDir;

    @Option(names = "--keep-data", description = "Keep the temporary data folders (SQLite, repositories, reports) and print where they are.")
    boolean keepData;

    public BenchCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        if (name == null) throw usage("missing the benchmark NAME; available: " + String.join(", ", NAMES));
        if (!NAMES.contains(name)) throw usage("unknown benchmark '" + name + "'; available: " + String.join(", ", NAMES));
        if (name.equals("logs")) {
            LogsBench.Config config = logs.validated(this::usage);
            Path root = projectRoot();
            return new LogsBench(config, root, outDir(root), LocalDateTime.now(environment.clock()).format(STAMP), keepData,
                    spec.commandLine().getOut()).run();
        }
        if (name.equals("workdir")) {
            requirePositive("--workdir-tasks", workdirTasks);
            requirePositive("--repo-files", repoFiles);
            requirePositive("--file-bytes", fileBytes);
            Path root = projectRoot();
            return new WorkdirBench(new WorkdirBench.Config(workdirTasks, repoFiles, fileBytes), outDir(root),
                    LocalDateTime.now(environment.clock()).format(STAMP), keepData, spec.commandLine().getOut()).run();
        }
        if (name.equals("ping")) {
            PingPhase.Config config = ping.validated(this::usage);
            Path root = projectRoot();
            return new PingBench(config, ping.phases(), root, outDir(root), LocalDateTime.now(environment.clock()).format(STAMP), keepData,
                    spec.commandLine().getOut()).run();
        }
        requirePositive("--works", works);
        requirePositive("--tasks-per-work", tasksPerWork);
        requirePositive("--workflows", workflows);
        requirePositive("--tasks-per-workflow", tasksPerWorkflow);
        requirePositive("--samples", samples);
        requirePositive("--timeout", timeoutSeconds);
        if (warmupTasks < 0) throw usage("--warmup-tasks must not be negative");
        if (idleSeconds < 0) throw usage("--idle-seconds must not be negative");
        if (parts.isEmpty()) throw usage("--parts names no part");
        return engine(spec.commandLine().getOut());
    }

    private int engine(PrintWriter out) throws IOException {
        Path root = projectRoot();
        Path dir = outDir(root);
        Files.createDirectories(dir);
        String stamp = LocalDateTime.now(environment.clock()).format(STAMP);
        Path json = dir.resolve("engine-" + stamp + ".json");
        Path log = dir.resolve("engine-" + stamp + ".log");
        BenchLogging logging = BenchLogging.toFile(log);
        Path work = Files.createTempDirectory("baton-bench-");
        Optional<Path> jar = ServerRssProbe.runningJar();

        EngineBenchReport report = new EngineBenchReport();
        report.machine.put("timestamp", stamp);
        report.machine.put("cpus", Runtime.getRuntime().availableProcessors());
        report.machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        report.machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        report.machine.put("jvmOptions", ManagementFactory.getRuntimeMXBean().getInputArguments());
        report.machine.put("maxHeapMb", Runtime.getRuntime().maxMemory() / 1_000_000);
        report.machine.put("jar", jar.map(Path::toString).orElse(null));
        report.machine.put("commit", gitHead(root));
        double loadBefore = loadAverage();
        report.machine.put("loadAverageAtStart", Stats.round3(loadBefore));

        out.printf("Baton engine benchmark — %d CPUs, %s, Java %s; load average %.2f (other processes inflate the figures)%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("java.runtime.version"), loadBefore);
        out.println("  data (temporary): " + work);
        out.println("  log:              " + log);
        out.flush();
        EngineBench bench = new EngineBench(new EngineBench.Config(works, tasksPerWork, warmupTasks, workflows, tasksPerWorkflow,
                Duration.ofSeconds(timeoutSeconds)), root, work, out, logging);
        try {
            if (parts.contains(Part.OVERHEAD)) {
                section(out, "1. Overhead per task — 1 workflow, %d works × %d tasks, agent 'noop' (a process per task), SQLite, 1 git repository"
                        .formatted(works, tasksPerWork));
                try {
                    report.overhead = bench.overhead();
                    report.printOverhead(out);
                } catch (Exception e) {
                    report.overheadError = describe(e);
                    out.println("  could not measure: " + report.overheadError);
                }
            }
            if (parts.contains(Part.CONCURRENCY)) {
                section(out, "2. Concurrency — %d workflows (1 work × %d noop tasks each) created, then started at once"
                        .formatted(workflows, tasksPerWorkflow));
                runConcurrency(bench, report, out, workflows + "/" + workflows, workflows, workflows);
                runConcurrency(bench, report, out, "10/20 (default)", 10, 20);
                report.printConcurrency(out);
            }
            if (parts.contains(Part.RSS)) {
                section(out, "3. Server idle RSS — the real server from baton.jar, empty data folder, no request but /ready");
                try {
                    String launcher = readIfPresent(root.resolve("baton"));
                    List<String> options = ServerRssProbe.launcherJvmOptions(launcher, environment.variable("BATON_JAVA_OPTS"));
                    report.rss = new ServerRssProbe(root, work.resolve("server"), dir.resolve("engine-" + stamp + "-server.log"), out)
                            .measure(jar, options, idleSeconds, samples, Duration.ofSeconds(120));
                } catch (Exception e) {
                    report.rssError = describe(e);
                }
                report.printRss(out);
            }
        } finally {
            if (keepData) {
                out.println();
                out.println("Data kept in " + work);
            } else {
                try {
                    FileTrees.deleteRecursively(work);
                } catch (java.io.UncheckedIOException e) {
                    // a temporary folder left behind is not worth failing the run for
                }
            }
        }
        double loadAfter = loadAverage();
        report.machine.put("loadAverageAtEnd", Stats.round3(loadAfter));
        section(out, "Summary (load average %.2f at the start, %.2f at the end; %d CPUs)".formatted(loadBefore, loadAfter,
                Runtime.getRuntime().availableProcessors()));
        report.printSummary(out);
        JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        Files.writeString(json, mapper.writeValueAsString(report.toJson()) + "\n");
        out.println();
        out.println("Figures written to " + json);
        out.flush();
        return ExitCodes.OK;
    }

    private static void runConcurrency(EngineBench bench, EngineBenchReport report, PrintWriter out, String label, int workflowMax, int agentMax) {
        out.printf("  limits %s: WORKFLOW_MAX_CONCURRENT=%d, AGENT_MAX_CONCURRENT=%d ...%n", label, workflowMax, agentMax);
        out.flush();
        try {
            report.concurrency.add(bench.concurrency(label, workflowMax, agentMax));
        } catch (Exception e) {
            report.concurrencyErrors.add(label + ": " + describe(e));
        }
    }

    private static void section(PrintWriter out, String title) {
        out.println();
        out.println(title);
        out.flush();
    }

    private static String describe(Exception e) {
        if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        boolean explained = e instanceof EngineBench.BenchFailure || e instanceof IllegalStateException;
        return explained && e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private Path outDir(Path root) {
        return (outDir != null ? outDir : root.resolve("bench").resolve("out")).toAbsolutePath().normalize();
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private void requirePositive(String option, int value) {
        if (value < 1) throw usage(option + " must be at least 1, was " + value);
    }

    /** BATON_HOME, else the nearest folder upwards from here with examples/agents/profiles.yaml. */
    private Path projectRoot() {
        String home = environment.variable("BATON_HOME");
        if (home != null) {
            Path p = Path.of(home).toAbsolutePath().normalize();
            if (!Files.isRegularFile(p.resolve("examples/agents/profiles.yaml"))) {
                throw new CliException(ExitCodes.INVALID, "BATON_HOME=" + p + " has no examples/agents/profiles.yaml (the bench runs the 'noop' agent from there)");
            }
            return p;
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("examples/agents/profiles.yaml"))) return p;
        }
        throw new CliException(ExitCodes.INVALID, "cannot find the Baton folder (examples/agents/profiles.yaml): run from it, or set BATON_HOME");
    }

    /** The system load average of the last minute, or -1 where the OS does not tell. */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static String readIfPresent(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file) : null;
        } catch (IOException e) {
            return null;
        }
    }

    static String gitHead(Path root) {
        try {
            Process p = new ProcessBuilder("git", "-C", root.toString(), "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
