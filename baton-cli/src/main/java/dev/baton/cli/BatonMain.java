package dev.baton.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * The {@code baton} executable: one jar for the server and its command-line client.
 *
 * <p>To add a command, list its class in {@code subcommands} below (one line). A command class may take a
 * {@link CliEnvironment} constructor argument, and client commands add {@code @Mixin ClientOptions} for
 * {@code --server/--token/--output}. Commands return an {@link ExitCodes exit code}; exceptions they throw
 * are reported by {@link ErrorReporter}. Note that {@link #main} calls {@code System.exit} with that code as
 * soon as {@code call()} returns, so a long-running command (a server) must block in {@code call()} until it
 * shuts down.
 */
@Command(name = "baton", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Baton: a self-hosted control plane for AI coding agents.",
                "Client commands talk to a Baton server (default http://localhost:3000; see --server)."},
        subcommands = {
                RunCommand.class,
                WorkflowCommand.class,
                LogsCommand.class,
                ServerCommand.class,
                DemoCommand.class,
                WorkerCommand.class,
                dev.baton.cli.bench.BenchCommand.class,
                CommandLine.HelpCommand.class},
        commandListHeading = "%nCommands:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
                " 0:success",
                " 1:a followed workflow ended FAILED or CANCELLED",
                " 2:bad usage",
                " 3:not found (HTTP 404)",
                " 4:conflict with the workflow's state (HTTP 409)",
                " 5:invalid input (HTTP 400/422)",
                " 6:server unreachable or failing; start it with ./baton server"},
        footerHeading = "%nExamples:%n",
        footer = {
                "  baton run --follow specs/nightly.yaml",
                "  baton workflow list --status RUNNING",
                "  baton workflow show wf-7f3a",
                "  baton worker --server baton-host:9090 --token $TOKEN --capacity 4",
                "  baton logs wf-7f3a -f",
                "  BATON_SERVER=http://ci-host:3000 baton workflow list -o json",
                "",
                "Environment: BATON_SERVER (server URL), BATON_TOKEN (API token), PORT (local server port)."})
public final class BatonMain implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    public static void main(String... args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The whole command tree, wired to the real environment (env variables, stdin, clock). */
    public static CommandLine commandLine() {
        return commandLine(CliEnvironment.system());
    }

    /** The command tree with a given environment; tests pass a fixed one. */
    public static CommandLine commandLine(CliEnvironment environment) {
        return new CommandLine(new BatonMain(), new CliFactory(environment))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setUsageHelpAutoWidth(true)
                .setParameterExceptionHandler(new UsageErrorReporter())
                .setExecutionExceptionHandler(new ErrorReporter());
    }

    /** {@code baton} alone: a usage error, answered with the list of commands. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}
