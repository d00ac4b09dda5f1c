package dev.baton.cli;

import dev.baton.cli.client.BatonClient;
import dev.baton.cli.client.Reply;
import dev.baton.cli.client.WorkflowPage;
import dev.baton.cli.client.WorkflowQuery;
import dev.baton.cli.client.WorkflowView;
import dev.baton.workflow.WorkflowStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code baton workflow list}: one row per workflow, newest first (the server's order). */
@Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List workflows with their progress.",
        footerHeading = "%nExamples:%n",
        footer = {
                "  baton workflow list",
                "  baton workflow list --status RUNNING,PAUSED --name nightly",
                "  baton workflow list --limit 10 --offset 10",
                "  baton workflow list -o json | jq -r '.items[].id'"})
public final class WorkflowListCommand implements Callable<Integer> {

    @Option(names = "--status", split = ",", paramLabel = "STATUS",
            description = "Only workflows in these statuses, comma separated: ${COMPLETION-CANDIDATES}.")
    private List<WorkflowStatus> statuses = List.of();

    @Option(names = "--name", paramLabel = "TEXT", description = "Only workflows whose name contains TEXT.")
    private String name;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N rows (1-1000; default ${DEFAULT-VALUE}).")
    private int limit;

    @Option(names = "--offset", paramLabel = "N", defaultValue = "0", description = "Skip the first N rows (default ${DEFAULT-VALUE}).")
    private int offset;

    @Mixin
    private ClientOptions options;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        if (limit < 1 || limit > 1000) throw new ParameterException(spec.commandLine(), "--limit must be between 1 and 1000, not " + limit);
        if (offset < 0) throw new ParameterException(spec.commandLine(), "--offset must not be negative");
        List<String> statusNames = statuses.stream().map(Enum::name).toList();
        Reply<WorkflowPage> page;
        try (BatonClient client = options.client()) {
            page = client.listWorkflows(new WorkflowQuery(statusNames, name, limit, offset));
        }
        if (options.json()) {
            options.printJson(page.json());
            return ExitCodes.OK;
        }
        List<WorkflowView> items = page.value().items();
        if (items.isEmpty()) {
            options.out().println(statusNames.isEmpty() && name == null && offset == 0
                    ? "No workflows yet. Create one with: baton run SPEC" : "No workflows match.");
            options.out().flush();
            return ExitCodes.OK;
        }
        TextTable table = new TextTable("ID", "NAME", "STATUS", "WORKS", "TASKS", "CREATED", "UPDATED");
        CliEnvironment env = options.environment();
        for (WorkflowView wf : items) {
            table.row(wf.id(), Formats.oneLine(wf.name(), 40), wf.status(),
                    wf.worksDone() + "/" + wf.works().size(), wf.tasksDone() + "/" + wf.taskCount(),
                    Formats.dateMinute(wf.createdAt(), env.zone()), Formats.dateMinute(wf.updatedAt(), env.zone()));
        }
        table.print(options.out());
        options.out().flush();
        if (items.size() == limit) {
            options.err().println("(" + items.size() + " shown; more may follow: --offset " + (offset + limit) + ")");
        }
        return ExitCodes.OK;
    }
}
