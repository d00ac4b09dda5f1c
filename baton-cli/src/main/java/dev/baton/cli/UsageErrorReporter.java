package dev.baton.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * Short usage errors: the message, any "did you mean" suggestions and a pointer to {@code --help}, instead of
 * picocli's default of dumping the whole usage text after every typo.
 */
final class UsageErrorReporter implements CommandLine.IParameterExceptionHandler {

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("error: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCodes.USAGE;
    }
}
