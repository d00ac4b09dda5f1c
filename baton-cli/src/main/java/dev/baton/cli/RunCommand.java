package dev.baton.cli;

import dev.baton.cli.client.BatonClient;
import dev.baton.cli.client.Reply;
import dev.baton.cli.client.WorkflowView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code baton run SPEC}: create a workflow from a spec file, start it, and optionally watch it to the end. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Create a workflow from a spec file and start it.",
                "Prints the new workflow's id. With --follow, prints one line per event until the workflow "
                        + "completes, fails, is cancelled or paused, then a summary."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
                " 0:created; with --follow: COMPLETED or PAUSED",
                " 1:with --follow: FAILED or CANCELLED",
                " 2:bad usage or unreadable spec file",
                " 4:conflict with the server's state",
                " 5:invalid spec (problems are printed as file:line:column: field: message)",
                " 6:server not reachable (start it with ./baton server)"},
        footerHeading = "%nExamples:%n",
        footer = {
                "  baton run specs/nightly.yaml",
                "  baton run --follow specs/nightly.yaml",
                "  baton run --no-start specs/nightly.json     # create only; later: baton workflow start ID",
                "  id=$(baton run specs/nightly.yaml) && baton workflow show \"$id\"",
                "  baton run -f -o json specs/nightly.yaml | jq -r .type"})
public final class RunCommand implements Callable<Integer> {

    @Parameters(paramLabel = "SPEC", description = "Workflow spec file: YAML, or JSON when its name ends with .json.")
    private Path spec;

    @Option(names = {"-f", "--follow"}, description = "Print progress until the workflow stops, then a summary.")
    private boolean follow;

    @Option(names = "--no-start", description = "Only create the workflow (status CREATED); do not start it.")
    private boolean noStart;

    @Mixin
    private ClientOptions options;

    @Override
    public Integer call() {
        byte[] body = readSpec(spec);
        try (BatonClient client = options.client()) {
            return createAndMaybeFollow(client, body);
        }
    }

    private int createAndMaybeFollow(BatonClient client, byte[] body) {
        Reply<WorkflowView> created = client.createWorkflow(body, contentType(spec), !noStart, spec);
        WorkflowView workflow = created.value();
        if (!follow) {
            if (options.json()) {
                options.printJson(created.json());
            } else {
                options.out().println(workflow.id());
                options.err().println("created '" + workflow.name() + "' (" + workflow.works().size() + " works, "
                        + workflow.taskCount() + " tasks), now " + workflow.status()
                        + "; see it with: baton workflow show " + workflow.id());
            }
            return ExitCodes.OK;
        }
        if (!options.json()) {
            options.out().println(workflow.id() + "  " + workflow.name() + " (" + workflow.works().size() + " works, "
                    + workflow.taskCount() + " tasks)");
            if (noStart) options.err().println("waiting for someone to run: baton workflow start " + workflow.id());
            options.out().flush();
        }
        Reply<WorkflowView> last = new EventFollower(client, options).follow(workflow);
        if (options.json()) {
            options.printJsonLine(last.json());
        } else {
            new WorkflowPrinter(options.out(), options.environment()).summary(last.value(),
                    client.reports(workflow.id()).value(), client.checkpoints(workflow.id()).value());
        }
        return "FAILED".equals(last.value().status()) || "CANCELLED".equals(last.value().status())
                ? ExitCodes.WORKFLOW_FAILED : ExitCodes.OK;
    }

    static String contentType(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json") ? "application/json" : "application/yaml";
    }

    /** Reads the whole file up front so a typo in the path fails before anything reaches the server. */
    static byte[] readSpec(Path file) {
        if (Files.isDirectory(file)) throw new CliException(ExitCodes.USAGE, "spec file " + file + " is a directory");
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCodes.USAGE, "spec file not found: " + file);
        } catch (AccessDeniedException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read spec file " + file + ": permission denied");
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read spec file " + file + ": " + e.getMessage());
        }
    }
}
