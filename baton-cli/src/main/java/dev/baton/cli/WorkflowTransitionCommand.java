package dev.baton.cli;

import dev.baton.cli.client.BatonClient;
import dev.baton.cli.client.Reply;
import dev.baton.cli.client.WorkflowView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/**
 * {@code baton workflow start|pause|resume|cancel ID}: one status change each. They differ only in the
 * action posted, so they share this class and each subclass carries its own name and help.
 */
public abstract sealed class WorkflowTransitionCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ID", description = "The workflow's id (see 'baton workflow list').")
    private String id;

    @Mixin
    private ClientOptions options;

    /** The last path segment of {@code POST /workflows/{id}/ACTION}. */
    abstract String action();

    @Override
    public Integer call() {
        Reply<WorkflowView> reply;
        try (BatonClient client = options.client()) {
            reply = client.transition(id, action());
        }
        if (options.json()) {
            options.printJson(reply.json());
        } else {
            options.out().println(reply.value().id() + " → " + reply.value().status());
            options.out().flush();
        }
        return ExitCodes.OK;
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start a CREATED or READY workflow (one made with 'baton run --no-start').",
            footerHeading = "%nExamples:%n", footer = "  baton workflow start wf-7f3a")
    static final class Start extends WorkflowTransitionCommand {
        @Override
        String action() {
            return "start";
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = {"Pause a RUNNING workflow.",
                    "The running work stops; on resume it starts again after its last checkpoint."},
            footerHeading = "%nExamples:%n", footer = "  baton workflow pause wf-7f3a")
    static final class Pause extends WorkflowTransitionCommand {
        @Override
        String action() {
            return "pause";
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = {"Resume a PAUSED or FAILED workflow from its last valid checkpoint."},
            footerHeading = "%nExamples:%n", footer = "  baton workflow resume wf-7f3a")
    static final class Resume extends WorkflowTransitionCommand {
        @Override
        String action() {
            return "resume";
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "Cancel a workflow for good; a cancelled workflow cannot be resumed.",
            footerHeading = "%nExamples:%n", footer = "  baton workflow cancel wf-7f3a")
    static final class Cancel extends WorkflowTransitionCommand {
        @Override
        String action() {
            return "cancel";
        }
    }
}
