package dev.baton.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FormatsTest {

    @Test
    void durationsAreShortAndLocaleIndependent() {
        assertThat(Formats.duration(350)).isEqualTo("350ms");
        assertThat(Formats.duration(8_300)).isEqualTo("8.3s");
        assertThat(Formats.duration(184_000)).isEqualTo("3m04s");
        assertThat(Formats.duration(7_500_000)).isEqualTo("2h05m");
        assertThat(Formats.duration(-5)).isEqualTo("0ms");
    }

    @Test
    void elapsedRunsToNowWhileUnfinished() {
        Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:01:00Z"), ZoneOffset.UTC);
        Instant start = Instant.parse("2025-01-01T00:00:00Z");

        assertThat(Formats.elapsed(start, null, clock)).isEqualTo("1m00s…");
        assertThat(Formats.elapsed(start, start.plusMillis(1500), clock)).isEqualTo("1.5s");
        assertThat(Formats.elapsed(null, null, clock)).isEqualTo("-");
    }

    @Test
    void oneLineKeepsTheFirstLineAndMarksCuts() {
        assertThat(Formats.oneLine("short", 10)).isEqualTo("short");
        assertThat(Formats.oneLine("first\nsecond", 10)).isEqualTo("first…");
        assertThat(Formats.oneLine("a very long line", 6)).isEqualTo("a ver…");
        assertThat(Formats.oneLine(null, 6)).isEqualTo("-");
    }

    @Test
    void shortShaIsSevenCharacters() {
        assertThat(Formats.shortSha("abc1234def")).isEqualTo("abc1234");
        assertThat(Formats.shortSha("abc")).isEqualTo("abc");
    }

    @Test
    void tablesAlignColumnsWithoutTrailingBlanks() {
        StringWriter out = new StringWriter();
        new TextTable("A", "LONG HEADER", "C").row("wide cell", null, "x").row("b", "y", "").print(new PrintWriter(out, true), "> ");

        assertThat(out.toString()).isEqualTo("""
                > A          LONG HEADER  C
                > wide cell  -            x
                > b          y
                """);
    }

    @Test
    void tableRowsMustFillEveryColumn() {
        assertThatThrownBy(() -> new TextTable("A", "B").row("only one")).isInstanceOf(IllegalArgumentException.class);
    }
}
