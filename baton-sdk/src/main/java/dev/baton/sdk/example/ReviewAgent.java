package dev.baton.sdk.example;

import dev.baton.sdk.AgentSettings;
import dev.baton.sdk.BatonAgentClient;
import dev.baton.sdk.SpecView;
import dev.baton.sdk.TaskView;
import dev.baton.shared.BatonException;
import dev.baton.spec.store.TaskField;
import dev.baton.workflow.TaskStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A tiny agent built on the SDK (see examples/java-agent/README.md): for each pending task assigned to it, it
 * marks the task in progress, "reviews" it by submitting a diff that adds {@code reviews/<task>.md}, and marks it
 * completed.
 *
 * <pre>
 * NATS_URL=nats://localhost:4222 java -cp ... dev.baton.sdk.example.ReviewAgent &lt;agent-id&gt; &lt;spec-root&gt; [&lt;diffs-root&gt;]
 * </pre>
 */
public final class ReviewAgent implements Consumer<SpecView> {
    private final BatonAgentClient client;
    private final Path scratch;
    private final Clock clock;

    public ReviewAgent(BatonAgentClient client, Path scratch, Clock clock) {
        this.client = client;
        this.scratch = scratch;
        this.clock = clock;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: ReviewAgent <agent-id> <spec-root> [<diffs-root>]   (NATS_URL: the NATS server, unset = none)");
            System.exit(2);
        }
        AgentSettings settings = AgentSettings.defaults(args[0], System.getenv("NATS_URL"), Path.of(args[1]));
        if (args.length == 3) settings = settings.withDiffsRoot(Path.of(args[2]));
        Path scratch = Files.createTempDirectory("review-agent-");
        BatonAgentClient client = BatonAgentClient.connect(settings);
        // Runs until the JVM is stopped (Ctrl-C, SIGTERM); the hook ends the client's NATS connection cleanly.
        Runtime.getRuntime().addShutdownHook(new Thread(client::close));
        client.subscribe(new ReviewAgent(client, scratch, Clock.systemUTC()));
        System.out.println("review agent " + settings.agentId() + " is watching " + settings.specRoot());
        Thread.currentThread().join();
    }

    @Override
    public void accept(SpecView spec) {
        List<TaskView> mine = spec.tasksAssignedTo(client.agentId()).stream().filter(t -> t.is(TaskStatus.PENDING)).toList();
        for (TaskView task : mine) review(spec.specId(), task);
    }

    private void review(String specId, TaskView task) {
        try {
            client.updateTask(specId, task.id(), Map.of(TaskField.STATUS, TaskStatus.IN_PROGRESS.word(),
                    TaskField.STARTED_AT, clock.instant().toString()));
        } catch (BatonException.Conflict e) {
            System.out.println(specId + "/" + task.id() + ": taken meanwhile, skipped (" + e.getMessage() + ")");
            return;
        }
        System.out.println(specId + "/" + task.id() + ": in progress");
        Path diff = writeDiff(task);
        client.submitDiff(specId, task.id(), diff);
        System.out.println(specId + "/" + task.id() + ": submitted reviews/" + task.id() + ".md");
        client.updateTask(specId, task.id(), Map.of(TaskField.STATUS, TaskStatus.COMPLETED.word()));
        System.out.println(specId + "/" + task.id() + ": completed");
    }

    /** A git diff that creates reviews/&lt;task&gt;.md: what a real agent would produce with {@code git diff}. */
    private Path writeDiff(TaskView task) {
        String file = "reviews/" + task.id() + ".md";
        List<String> lines = List.of("# Review of " + task.id(), "", "Reviewed by " + client.agentId() + ": looks good.");
        StringBuilder diff = new StringBuilder()
                .append("diff --git a/").append(file).append(" b/").append(file).append('\n')
                .append("new file mode 100644\n")
                .append("--- /dev/null\n")
                .append("+++ b/").append(file).append('\n')
                .append("@@ -0,0 +1,").append(lines.size()).append(" @@\n");
        for (String line : lines) diff.append('+').append(line).append('\n');
        try {
            Path out = scratch.resolve(task.id() + ".diff");
            Files.writeString(out, diff);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
