package dev.baton.cli;

import dev.baton.engine.DataLayout;
import dev.baton.engine.Engine;
import dev.baton.git.GitCli;
import dev.baton.server.BatonApplication;
import dev.baton.workflow.Checkpoint;
import dev.baton.workflow.EventBus;
import dev.baton.workflow.Report;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowEvent;
import dev.baton.workflow.WorkflowStatus;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs a real workflow on the embedded default (SQLite file under the data folder, in-process event bus):",
                "two works with scripted agents over two git repositories it creates, a report per task and a checkpoint",
                "commit per work. Afterwards `./baton server` serves the same data."})
public class DemoCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    @Option(names = "--timeout", defaultValue = "120", description = "Seconds to wait for the demo workflow (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Path home = Path.of(System.getenv().getOrDefault("BATON_HOME", ".")).toAbsolutePath().normalize();
        Path dataDir = Path.of(System.getenv().getOrDefault("BATON_DATA_DIR", "./data")).toAbsolutePath().normalize();
        Path logFile = dataDir.resolve("logs").resolve("baton.log");
        out.println("Baton demo — data folder " + dataDir + " (JSON logs in " + logFile + ")");
        ConfigurableApplicationContext ctx = BatonApplication.start(WebApplicationType.NONE, Map.of(
                "logging.threshold.console", "OFF",
                "logging.file.name", logFile.toString(),
                "logging.structured.format.file", "dev.baton.ops.logging.BatonLogFormatter"),
                // The demo's worker is embedded (in-process channel): the network port only has to be free.
                System.getenv("GRPC_PORT") == null ? new String[] {"--grpc.port=0"} : new String[0]);
        try (ctx) {
            Engine engine = ctx.getBean(Engine.class);
            DataLayout layout = ctx.getBean(DataLayout.class);
            GitCli git = ctx.getBean(GitCli.class);
            git.init(layout.gitRoot().resolve("demo/app"), Map.of("hello.txt", "Hello\n"), "initial");
            git.init(layout.gitRoot().resolve("demo/docs"), Map.of("README.md", "# Docs\n"), "initial");
            String spec = Files.readString(home.resolve("examples/demo/demo.yaml"))
                    .replace("${DEMO_SUFFIX}", Long.toString(System.currentTimeMillis(), 36));
            CountDownLatch finished = new CountDownLatch(1);
            String[] id = new String[1];
            AutoCloseable sub = ctx.getBean(EventBus.class).subscribe(e -> {
                if (id[0] != null && !e.workflowId().equals(id[0])) return;
                out.println("  " + LocalTime.now().format(TIME) + "  " + describe(e));
                if (e instanceof WorkflowEvent.WorkflowCompleted || e instanceof WorkflowEvent.WorkflowFailed
                        || e instanceof WorkflowEvent.WorkflowCancelled) finished.countDown();
            });
            Workflow wf = engine.workflows().create("examples/demo/demo.yaml", spec);
            id[0] = wf.id();
            out.println("Workflow " + wf.id() + " \"" + wf.name() + "\": " + wf.works().size() + " works, " + wf.taskCount() + " tasks");
            engine.workflows().start(wf.id());
            if (!finished.await(timeoutSeconds, TimeUnit.SECONDS)) {
                out.println("The demo did not finish within " + timeoutSeconds + " s; pausing it.");
                engine.workflows().pause(wf.id());
                return 1;
            }
            sub.close();
            return summary(out, engine, layout, wf.id());
        }
    }

    private static int summary(PrintStream out, Engine engine, DataLayout layout, String id) {
        Workflow wf = engine.workflows().get(id);
        out.println();
        out.println("Result: " + wf.status() + (wf.error() == null ? "" : " — " + wf.error()));
        out.println("Reports:");
        for (Report r : engine.workflows().reports(id)) out.println("  " + layout.dataDir().resolve(r.path()));
        out.println("Checkpoints (one commit per repository per work, on branch baton/" + id + "):");
        List<Checkpoint> cps = engine.workflows().checkpoints(id);
        for (Checkpoint c : cps) {
            if (c.workSequence() < 0) continue;
            out.println("  work " + (c.workSequence() + 1) + " " + c.workId() + "  " + c.repository() + " @ " + c.commitSha().substring(0, 10));
        }
        out.println("Worktrees: " + layout.worktreeRoot().resolve(id));
        out.println();
        out.println("Next: ./baton server   then   ./baton workflow list   and   ./baton workflow show " + id);
        return wf.status() == WorkflowStatus.COMPLETED ? 0 : 1;
    }

    private static String describe(WorkflowEvent e) {
        return switch (e) {
            case WorkflowEvent.WorkflowStarted s -> "WorkflowStarted";
            case WorkflowEvent.WorkStarted s -> "WorkStarted       " + s.workId() + " (work " + (s.sequence() + 1) + ")";
            case WorkflowEvent.QuerySent s -> "QuerySent         " + s.taskId() + " (" + s.queryLength() + " chars)";
            case WorkflowEvent.QueryResponded s -> "QueryResponded    " + s.taskId() + " exit=" + s.exitCode() + " " + s.durationMs() + " ms";
            case WorkflowEvent.ReportGenerated s -> "ReportGenerated   " + s.path();
            case WorkflowEvent.WorkCompleted s -> "WorkCompleted     " + s.workId() + " " + s.durationMs() + " ms";
            case WorkflowEvent.CheckpointCreated s -> "CheckpointCreated " + s.commits().entrySet().stream()
                    .map(c -> c.getKey() + "=" + c.getValue().substring(0, 7)).toList();
            case WorkflowEvent.WorkflowCompleted s -> "WorkflowCompleted " + s.durationMs() + " ms";
            case WorkflowEvent.WorkflowFailed s -> "WorkflowFailed    " + s.error();
            case WorkflowEvent.TaskFailed s -> "TaskFailed        " + s.taskId() + ": " + s.error();
            default -> e.type();
        };
    }
}
