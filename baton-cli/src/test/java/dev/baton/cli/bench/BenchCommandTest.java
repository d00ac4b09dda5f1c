package dev.baton.cli.bench;

import dev.baton.cli.BatonMain;
import dev.baton.cli.CliEnvironment;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line of {@code baton bench}; the benchmark itself is not run here. */
class BenchCommandTest {

    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... args) {
        CliEnvironment env = new CliEnvironment(name -> null, new BufferedReader(new StringReader("")), false,
                Clock.systemUTC(), ZoneOffset.UTC, Duration.ofMillis(5), Duration.ofMillis(50));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = BatonMain.commandLine(env);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void helpDescribesTheBenchmarks() {
        Result r = run("bench", "--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("Usage: baton bench").contains("engine", "--parts", "Examples:", "bench/out");
    }

    @Test
    void anUnknownNameIsAUsageErrorListingTheNames() {
        Result r = run("bench", "nope");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("unknown benchmark 'nope'", "available: engine", "baton bench --help");
    }

    @Test
    void aMissingNameIsAUsageErrorListingTheNames() {
        Result r = run("bench");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("available: engine");
    }

    @Test
    void badNumbersAndPartsAreUsageErrors() {
        assertThat(run("bench", "engine", "--works", "0").err()).contains("--works must be at least 1");
        assertThat(run("bench", "engine", "--parts", "disk").exitCode()).isEqualTo(2);
    }
}
