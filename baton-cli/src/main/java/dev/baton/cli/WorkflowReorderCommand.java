package dev.baton.cli;

import dev.baton.cli.client.BatonClient;
import dev.baton.cli.client.Reply;
import dev.baton.cli.client.WorkflowView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code baton workflow reorder ID WORK...}: give a workflow's works a new order. */
@Command(name = "reorder", mixinStandardHelpOptions = true,
        description = {"Put a workflow's works in a new order.",
                "Allowed while nothing runs (CREATED, READY, PAUSED or FAILED). A work whose position changes "
                        + "loses its checkpoint and runs again."},
        footerHeading = "%nExamples:%n",
        footer = "  baton workflow reorder wf-7f3a wk-build wk-plan wk-review")
public final class WorkflowReorderCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ID", description = "The workflow's id.")
    private String id;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "WORK", description = "Work ids in their new order.")
    private List<String> workIds;

    @Mixin
    private ClientOptions options;

    @Override
    public Integer call() {
        Reply<WorkflowView> reply;
        try (BatonClient client = options.client()) {
            reply = client.reorder(id, workIds);
        }
        if (options.json()) {
            options.printJson(reply.json());
            return ExitCodes.OK;
        }
        options.out().println(reply.value().id() + " works reordered:");
        TextTable table = new TextTable("#", "WORK", "NAME", "STATUS");
        for (WorkflowView.WorkView work : reply.value().works()) {
            table.row(work.sequence() + 1, work.id(), work.name(), work.status());
        }
        table.print(options.out(), "  ");
        options.out().flush();
        return ExitCodes.OK;
    }
}
