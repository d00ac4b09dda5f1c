package dev.baton.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** Usage, help and argument validation: everything decided before a request would be sent. */
class CommandLineParsingTest {

    private final CliRunner cli = new CliRunner().env("BATON_SERVER", "http://127.0.0.1:1");

    @ParameterizedTest
    @ValueSource(strings = {"", "run", "workflow", "workflow list", "workflow show", "workflow start", "workflow pause",
            "workflow resume", "workflow cancel", "workflow delete", "workflow reorder"})
    void everyCommandHasHelpWithDescriptionAndExamples(String command) {
        String[] args = (command + " --help").strip().split(" ");

        CliRunner.Result result = cli.run(args);

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("Usage: baton " + command).contains("Examples:");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void clientCommandsDocumentTheSharedOptions() {
        for (String command : new String[]{"run", "workflow list", "workflow show", "workflow delete", "workflow reorder"}) {
            String help = cli.run((command + " --help").split(" ")).out();
            assertThat(help).as(command).contains("--server=URL", "--token=TOKEN", "--output=FORMAT", "BATON_SERVER");
        }
    }

    @Test
    void helpSubcommandShowsTheHelpOfAnotherCommand() {
        CliRunner.Result result = cli.run("help", "run");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("Usage: baton run").contains("--follow", "--no-start");
    }

    @Test
    void rootHelpListsCommandsAndExitCodes() {
        String help = cli.run("--help").out();

        assertThat(help).contains("run", "workflow", "server", "demo", "Exit status:", "6   server unreachable");
    }

    @Test
    void versionPrintsTheBatonVersion() {
        CliRunner.Result result = cli.run("--version");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("baton ").contains("Java ");
    }

    @Test
    void noCommandIsAUsageErrorThatListsTheCommands() {
        CliRunner.Result result = cli.run();

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("Usage: baton", "workflow");
    }

    @Test
    void workflowWithoutSubcommandIsAUsageError() {
        CliRunner.Result result = cli.run("workflow");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("Usage: baton workflow", "list", "reorder");
    }

    @Test
    void unknownSubcommandSuggestsTheClosestOnes() {
        CliRunner.Result result = cli.run("workflow", "lst");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("Unmatched argument", "Did you mean", "workflow list",
                "Try 'baton workflow --help'");
        assertThat(result.err()).doesNotContain("Usage:");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "run",
            "workflow show",
            "workflow start",
            "workflow delete",
            "workflow reorder wf-1",
            "workflow list --status SLEEPING",
            "workflow list --limit 0",
            "workflow list --limit 5000",
            "workflow list --offset -1",
            "workflow list --output xml",
            "workflow show wf-1 extra-arg",
            "run spec.yaml --bogus"})
    void badUsageExitsWithTwo(String command) {
        CliRunner.Result result = cli.run(command.split(" "));

        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).startsWith("error: ");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void statusFilterAndOutputFormatAreCaseInsensitive() {
        CommandLine.ParseResult parsed = BatonMain.commandLine()
                .parseArgs("workflow", "list", "--status", "running,Paused", "-o", "json");

        CommandLine.ParseResult list = parsed.subcommand().subcommand();
        Object statuses = list.matchedOptionValue("--status", null);
        Object output = list.matchedOptionValue("--output", null);
        assertThat(String.valueOf(statuses)).isEqualTo("[RUNNING, PAUSED]");
        assertThat(output).isEqualTo(OutputFormat.JSON);
    }

    @Test
    void workflowAliasesWork() {
        assertThat(cli.run("wf", "ls", "--help").out()).startsWith("Usage: baton workflow list");
    }

    @Test
    void anInvalidServerUrlIsAUsageError() {
        CliRunner.Result result = cli.run("workflow", "list", "--server", "localhost:3000");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("invalid server URL 'localhost:3000'");
    }
}
