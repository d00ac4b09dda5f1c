package dev.baton.cli;

import dev.baton.cli.client.BatonClient;
import dev.baton.cli.client.CheckpointView;
import dev.baton.cli.client.Reply;
import dev.baton.cli.client.ReportView;
import dev.baton.cli.client.WorkflowView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code baton workflow show ID}: everything about one workflow on one screen. */
@Command(name = "show", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Show one workflow: its status and timings, the works and tasks as a tree, its checkpoints and reports.",
                "With --output json, prints the workflow JSON with two extra arrays, \"reports\" and \"checkpoints\"."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  baton workflow show wf-7f3a",
                "  baton workflow show wf-7f3a -o json | jq '.works[] | {id, status}'"})
public final class WorkflowShowCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ID", description = "The workflow's id (see 'baton workflow list').")
    private String id;

    @Mixin
    private ClientOptions options;

    @Override
    public Integer call() {
        Reply<WorkflowView> workflow;
        Reply<List<ReportView>> reports;
        Reply<List<CheckpointView>> checkpoints;
        try (BatonClient client = options.client()) {
            workflow = client.workflow(id);
            reports = client.reports(id);
            checkpoints = client.checkpoints(id);
        }
        if (options.json()) {
            ObjectNode combined = ((ObjectNode) workflow.json()).deepCopy();
            combined.set("reports", reports.json());
            combined.set("checkpoints", checkpoints.json());
            options.printJson(combined);
        } else {
            new WorkflowPrinter(options.out(), options.environment())
                    .show(workflow.value(), reports.value(), checkpoints.value());
        }
        return ExitCodes.OK;
    }
}
