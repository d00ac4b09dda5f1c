package dev.baton.cli;

import dev.baton.cli.client.BadResponseException;
import dev.baton.cli.client.BatonApiException;
import dev.baton.cli.client.Problem;
import dev.baton.cli.client.ServerUnreachableException;
import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * Turns what a command threw into a message on stderr and an {@link ExitCodes exit code}, so commands can
 * let client exceptions fly instead of each catching them.
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        int code = report(ex, err);
        err.flush();
        return code;
    }

    static int report(Exception ex, PrintWriter err) {
        return switch (ex) {
            case BatonApiException api -> reportApi(api, err);
            case ServerUnreachableException down -> {
                err.println("error: " + down.getMessage());
                err.println("Is the server running? Start it with `./baton server` (or `java -jar baton.jar server`),");
                err.println("or point the CLI at another one with --server URL or BATON_SERVER.");
                yield ExitCodes.UNAVAILABLE;
            }
            case BadResponseException bad -> {
                err.println("error: " + bad.getMessage());
                yield ExitCodes.UNAVAILABLE;
            }
            case CliException cli -> {
                err.println("error: " + cli.getMessage());
                yield cli.exitCode();
            }
            default -> {
                err.println("error: unexpected " + ex);
                ex.printStackTrace(err);
                yield ExitCodes.WORKFLOW_FAILED;
            }
        };
    }

    private static int reportApi(BatonApiException api, PrintWriter err) {
        Problem problem = api.problem();
        err.println("error: " + problem.summary() + " (HTTP " + api.status() + codeSuffix(problem) + ")");
        for (Problem.Entry entry : problem.problems()) {
            err.println(entry.format(api.fallbackFile()));
        }
        if (api.status() == 401 || api.status() == 403) {
            err.println("The server wants a valid API token: pass --token TOKEN or set BATON_TOKEN.");
        } else if (api.status() >= 500) {
            err.println("The server failed; its log has the details. Retrying later may help.");
        }
        return ExitCodes.forHttpStatus(api.status());
    }

    private static String codeSuffix(Problem problem) {
        return problem.code() == null || problem.code().isBlank() ? "" : ", " + problem.code();
    }
}
