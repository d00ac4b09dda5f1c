package dev.baton.cli;

import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/** Runs the real command tree in-process with a pinned environment and captures stdout, stderr and exit code. */
final class CliRunner {

    /** The tests' "now": a few seconds after the fixtures' workflows were created. */
    static final Instant NOW = Instant.parse("2025-01-02T12:00:10Z");

    record Result(int exitCode, String out, String err) {
    }

    private final Map<String, String> env = new HashMap<>();
    private boolean interactive;
    private String stdin = "";

    static CliRunner against(FixtureServer server) {
        return new CliRunner().env("BATON_SERVER", server.url());
    }

    CliRunner env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** As if a person sat at a terminal and typed {@code input}. */
    CliRunner interactive(String input) {
        this.interactive = true;
        this.stdin = input;
        return this;
    }

    Result run(String... args) {
        CliEnvironment environment = new CliEnvironment(env::get, new BufferedReader(new StringReader(stdin)), interactive,
                Clock.fixed(NOW, ZoneOffset.UTC), ZoneOffset.UTC, Duration.ofMillis(5), Duration.ofMillis(300));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = BatonMain.commandLine(environment);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
