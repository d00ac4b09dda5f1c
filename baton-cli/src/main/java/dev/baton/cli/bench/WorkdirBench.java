package dev.baton.cli.bench;

import dev.baton.agent.AgentProfile;
import dev.baton.agent.AgentResult;
import dev.baton.agent.AgentSession;
import dev.baton.agent.AgentStart;
import dev.baton.agent.process.ProcessAgentLauncher;
import dev.baton.cli.ExitCodes;
import dev.baton.dispatch.DispatchMetrics;
import dev.baton.dispatch.DispatchSettings;
import dev.baton.dispatch.RemoteAgentLauncher;
import dev.baton.dispatch.RemoteSessions;
import dev.baton.dispatch.WorkerControlService;
import dev.baton.dispatch.WorkerRegistry;
import dev.baton.dispatch.WorkspaceTransferService;
import dev.baton.git.GitCli;
import dev.baton.git.WorktreeTransfer;
import dev.baton.worker.WorkerRuntime;
import dev.baton.worker.WorkerSettings;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * {@code baton bench workdir}: what a worker with its own workdir costs against one that sees the server's data
 * folder, in the same run over the same loopback gRPC server — the agent's start (the first fetch of the whole
 * repository, then a fetch of one new commit) and the time per task (the push of the task's change). See
 * bench/README.md.
 */
final class WorkdirBench {
    record Config(int tasks, int files, int fileBytes) {
    }

    private final Config config;
    private final Path outDir;
    private final String stamp;
    private final boolean keepData;
    private final PrintWriter out;
    private final Map<String, Object> report = new LinkedHashMap<>();
    private final GitCli git = new GitCli(Duration.ofMinutes(5));

    WorkdirBench(Config config, Path outDir, String stamp, boolean keepData, PrintWriter out) {
        this.config = config;
        this.outDir = outDir;
        this.stamp = stamp;
        this.keepData = keepData;
        this.out = out;
    }

    int run() throws Exception {
        BenchRun run = BenchRun.start(outDir, "workdir", stamp);
        Path work = run.work();
        double loadBefore = run.loadBefore();
        report.put("machine", run.machine());
        report.put("config", config);
        out.printf("Baton own-workdir benchmark — %d CPUs, Java %s; load average %.2f (other processes inflate the figures)%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.runtime.version"), loadBefore);
        out.printf("  a repository of %,d files × %,d random bytes; a oneshot agent (sh) appending a line per task; one gRPC server on loopback,%n"
                + "  two workers in this JVM: 'shared' sees the server's data folder, 'own' keeps copies (--workdir)%n", config.files(), config.fileBytes());
        out.println("  data (temporary): " + work);
        out.flush();

        Path worktree = repository(work);
        Path workspace = Files.createDirectories(work.resolve("data/workflows/wf-bench/workspaces/wk-1"));
        Files.createSymbolicLink(workspace.resolve("app"), worktree);
        long repoBytes = directoryBytes(work.resolve("data/git/app/.git"));

        WorkerRegistry registry = new WorkerRegistry(Clock.systemUTC());
        RemoteSessions sessions = new RemoteSessions(registry);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        DispatchMetrics metrics = new DispatchMetrics(meters, registry);
        DispatchSettings settings = new DispatchSettings(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(10));
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new WorkerControlService(registry, sessions, settings, metrics, "bench"))
                .addService(new WorkspaceTransferService(sessions, git, work.resolve("data/run/transfer"), 256L << 20, meters))
                .build().start();
        String target = "127.0.0.1:" + server.getPort();
        List<WorkerRuntime> workers = new ArrayList<>();
        try {
            workers.add(worker(target, "shared", null));
            workers.add(worker(target, "own", work.resolve("worker-machine")));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!workers.stream().allMatch(WorkerRuntime::connected)) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("the bench workers did not register within 30 s");
                Thread.sleep(20);
            }
            RemoteAgentLauncher launcher = new RemoteAgentLauncher(registry, sessions, settings, metrics, new WorktreeTransfer(git));
            section("1. Agent start — StartAgent → AgentStarted (the 'own' worker fetches the repository first; its .git is %.1f MiB)"
                    .formatted(repoBytes / 1048576.0));
            Mode shared = measure(launcher, workspace, worktree, "shared");
            Mode own = measure(launcher, workspace, worktree, "own");
            out.printf("  %-8s first start %8.1f ms   after a new commit %8.1f ms%n", "shared", shared.firstStartMs, shared.nextStartMs);
            out.printf("  %-8s first start %8.1f ms   after a new commit %8.1f ms   (full bundle, then only the new commit)%n", "own",
                    own.firstStartMs, own.nextStartMs);
            section("2. Per task — query() until the answer, %d tasks each (the 'own' worker pushes each task's change before answering)"
                    .formatted(config.tasks()));
            print("shared", shared.tasks);
            print("own", own.tasks);
            out.printf("  push overhead per task: median %+.1f ms (own − shared), %.2f× the shared median%n",
                    own.tasks.median() - shared.tasks.median(), own.tasks.median() / shared.tasks.median());
            report.put("repositoryGitBytes", repoBytes);
            report.put("shared", shared.toJson());
            report.put("own", own.toJson());
            report.put("pushOverheadMedianMs", Stats.round3(own.tasks.median() - shared.tasks.median()));
        } finally {
            for (WorkerRuntime w : workers) w.close();
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        run.finish(report, keepData, out);
        return ExitCodes.OK;
    }

    private record Mode(double firstStartMs, double nextStartMs, Stats tasks) {
        Map<String, Object> toJson() {
            return Map.of("firstStartMs", Stats.round3(firstStartMs), "nextStartMs", Stats.round3(nextStartMs), "taskMillis", tasks.toJson());
        }
    }

    /**
     * Starts a session, runs the tasks (staging after each, as the engine does), stops it, commits (a checkpoint),
     * then times the start of a second session, which for the 'own' worker fetches that one commit.
     */
    private Mode measure(RemoteAgentLauncher launcher, Path workspace, Path worktree, String mode) throws Exception {
        long t0 = System.nanoTime();
        AgentSession session = launcher.start(start(mode, workspace));
        double first = (System.nanoTime() - t0) / 1e6;
        double[] millis = new double[config.tasks()];
        try {
            for (int i = 0; i < config.tasks(); i++) {
                long s = System.nanoTime();
                AgentResult r = session.query(mode + "-t" + i, mode + " task " + i);
                millis[i] = (System.nanoTime() - s) / 1e6;
                if (!r.succeeded()) throw new IllegalStateException(mode + " task " + i + " failed: " + r.error() + " " + r.stderrTail());
                git.stageAll(worktree);
            }
        } finally {
            session.stop();
        }
        git.commitAll(worktree, "bench checkpoint " + mode);
        long t1 = System.nanoTime();
        AgentSession next = launcher.start(start(mode, workspace));
        double second = (System.nanoTime() - t1) / 1e6;
        AgentResult probe = next.query(mode + "-probe", mode + " probe");
        next.stop();
        if (!probe.succeeded()) throw new IllegalStateException(mode + ": the second session failed: " + probe.error());
        return new Mode(first, second, Stats.of(millis));
    }

    private AgentStart start(String mode, Path workspace) {
        // The query is an argument of its own ($1), never part of the shell text.
        AgentProfile profile = new AgentProfile("bench-" + mode, AgentProfile.AgentMode.ONESHOT,
                List.of("sh", "-c", "printf '%s\\n' \"$1\" >> app/bench-" + mode + ".txt && echo ok", "agent", "{query}"),
                AgentProfile.QueryInput.ARGUMENT, Map.of(), null, Duration.ofMinutes(5), Duration.ofMinutes(5));
        return new AgentStart(profile, workspace, null, Map.of("BATON_WORKFLOW_ID", "wf-bench", "BATON_WORK_ID", "wk-1",
                "BATON_CORRELATION_ID", "bench", "BATON_WORKSPACE", workspace.toString()),
                Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofSeconds(5), AgentStart.OutputListener.NONE);
    }

    private static WorkerRuntime worker(String target, String mode, Path workdir) {
        WorkerSettings s = new WorkerSettings(target, null, "bench-" + mode, Map.of("agent", "bench-" + mode), 1, null).withWorkdir(workdir);
        return new WorkerRuntime(s, NettyChannelBuilder.forTarget(target).usePlaintext().build(), new ProcessAgentLauncher(),
                (wf, task, source, line, partial) -> { }, new SimpleMeterRegistry()).start();
    }

    /** The server's side: a repository of random files and the workflow's worktree. */
    private Path repository(Path work) throws Exception {
        Path repo = work.resolve("data/git/app");
        Random random = new Random(42);
        Map<String, String> files = new LinkedHashMap<>();
        byte[] bytes = new byte[config.fileBytes() * 3 / 4];
        for (int i = 0; i < config.files(); i++) {
            random.nextBytes(bytes);
            files.put("src/dir" + (i % 50) + "/file" + i + ".txt", Base64.getMimeEncoder().encodeToString(bytes) + "\n");
        }
        git.init(repo, files, "initial");
        Path worktree = work.resolve("data/worktrees/wf-bench/app");
        git.addWorktree(repo, worktree, "baton/wf-bench");
        return worktree;
    }

    private void print(String mode, Stats s) {
        out.printf("  %-8s ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f%n", mode, s.median(), s.p90(), s.p99(), s.max());
        out.flush();
    }

    private void section(String title) {
        out.println();
        out.println(title);
        out.flush();
    }

    private static long directoryBytes(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
