package dev.baton.cli;

import dev.baton.cli.client.BatonClient;
import dev.baton.cli.client.WorkflowView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.JsonNodeFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code baton workflow delete ID}: asks first, because there is no undo. Without a terminal to ask on
 * (scripts, CI) it refuses unless {@code --yes} says the caller means it.
 */
@Command(name = "delete", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Delete a workflow and its history from the server.",
                "Asks for confirmation unless --yes is given; without a terminal, --yes is required."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  baton workflow delete wf-7f3a",
                "  baton workflow delete wf-7f3a --yes      # in scripts"})
public final class WorkflowDeleteCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ID", description = "The workflow's id (see 'baton workflow list').")
    private String id;

    @Option(names = {"-y", "--yes"}, description = "Delete without asking.")
    private boolean yes;

    @Mixin
    private ClientOptions options;

    @Override
    public Integer call() throws IOException {
        try (BatonClient client = options.client()) {
            if (!yes && !confirmed(client)) {
                options.err().println("Not deleted.");
                return ExitCodes.OK;
            }
            client.delete(id);
        }
        if (options.json()) {
            options.printJson(JsonNodeFactory.instance.objectNode().put("id", id).put("deleted", true));
        } else {
            options.out().println(id + " deleted");
            options.out().flush();
        }
        return ExitCodes.OK;
    }

    private boolean confirmed(BatonClient client) throws IOException {
        CliEnvironment env = options.environment();
        if (!env.interactive()) {
            throw new CliException(ExitCodes.USAGE, "refusing to delete " + id
                    + " without confirmation: standard input is not a terminal. Re-run with --yes to delete it.");
        }
        WorkflowView workflow = client.workflow(id).value(); // also turns a wrong id into "not found" before asking
        PrintWriter err = options.err();
        err.print("Delete workflow " + workflow.id() + " '" + workflow.name() + "' (" + workflow.status()
                + ")? This cannot be undone. [y/N] ");
        err.flush();
        String answer = env.stdin().readLine();
        return answer != null && switch (answer.strip().toLowerCase(Locale.ROOT)) {
            case "y", "yes" -> true;
            default -> false;
        };
    }
}
