package dev.baton.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code baton workflow …}: the group of commands that inspect and steer existing workflows. */
@Command(name = "workflow", aliases = "wf", mixinStandardHelpOptions = true,
        description = "List, inspect and control workflows on the server.",
        subcommands = {
                WorkflowListCommand.class,
                WorkflowShowCommand.class,
                WorkflowTransitionCommand.Start.class,
                WorkflowTransitionCommand.Pause.class,
                WorkflowTransitionCommand.Resume.class,
                WorkflowTransitionCommand.Cancel.class,
                WorkflowDeleteCommand.class,
                WorkflowReorderCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
                "  baton workflow list --status RUNNING,PAUSED",
                "  baton workflow show wf-7f3a",
                "  baton workflow pause wf-7f3a && baton workflow resume wf-7f3a",
                "  baton workflow reorder wf-7f3a wk-build wk-plan",
                "  baton workflow delete wf-7f3a --yes",
                "",
                "Every subcommand takes --server URL, --token TOKEN and --output table|json; see 'baton workflow COMMAND --help'."})
public final class WorkflowCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    /** {@code baton workflow} alone is a usage error: show what it can do. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}
