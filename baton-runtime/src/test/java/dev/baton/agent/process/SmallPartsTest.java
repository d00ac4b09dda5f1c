package dev.baton.agent.process;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure helpers of the launcher: argv rendering, output caps, the stream-json codec. */
class SmallPartsTest {
    @Test
    void argvSubstitutionIsSinglePass() {
        List<String> argv = ArgvTemplate.render(List.of("agent", "--model", "{model}", "{query}", "in {workspace}!"),
                Map.of("model", "m1", "query", "use {model} and {workspace} literally", "workspace", "/w"));

        assertThat(argv).containsExactly("agent", "--model", "m1", "use {model} and {workspace} literally", "in /w!");
    }

    @Test
    void argvLeavesOtherBracesAlone() {
        assertThat(ArgvTemplate.render(List.of("{\"json\": {}}", "{prompt}"), Map.of())).containsExactly("{\"json\": {}}", "{prompt}");
    }

    @Test
    void argvWithoutValueForAPlaceholderIsAnError() {
        assertThatThrownBy(() -> ArgvTemplate.render(List.of("x", "{model}"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("{model}");
    }

    @Test
    void cappedTextKeepsStartAndEnd() {
        CappedText text = new CappedText(100);
        for (int i = 0; i < 1000; i++) text.appendLine("line " + i);

        assertThat(text.truncated()).isTrue();
        assertThat(text.text()).startsWith("line 0\nline 1\n").endsWith("line 998\nline 999").contains("of output left out]");
        assertThat(text.text().length()).isLessThan(200);
    }

    @Test
    void cappedTextUnderTheLimitIsExact() {
        CappedText text = new CappedText(100);
        text.appendLine("a");
        text.appendLine("");
        text.appendLine("b");

        assertThat(text.text()).isEqualTo("a\n\nb");
        assertThat(new CappedText(100).text()).isEmpty();
    }

    @Test
    void lineTailIsBoundedInLinesAndCharacters() {
        LineTail tail = new LineTail();
        for (int i = 0; i < 200; i++) tail.add("l" + i);
        assertThat(tail.drain().lines()).hasSize(LineTail.MAX_LINES).last().isEqualTo("l199");
        assertThat(tail.drain()).isEmpty();

        tail.add("x".repeat(10_000));
        assertThat(tail.drain()).hasSizeLessThanOrEqualTo(LineTail.MAX_CHARS).startsWith("…");
    }

    @Test
    void resultLineIsRecognisedOnlyForTypeResult() {
        assertThat(StreamJson.resultLine("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"result\":\"done\"}"))
                .hasValue(new StreamJson.ResultLine(false, "success", "done"));
        assertThat(StreamJson.resultLine("{\"type\":\"result\",\"subtype\":\"error_max_turns\",\"is_error\":true}"))
                .hasValue(new StreamJson.ResultLine(true, "error_max_turns", ""));
        assertThat(StreamJson.resultLine("{\"type\":\"assistant\",\"result\":\"no\"}")).isEmpty();
        assertThat(StreamJson.resultLine("the \"result\" is {broken")).isEmpty();
        assertThat(StreamJson.resultLine("{\"type\":\"result\", \"result\": ")).isEmpty();
    }

    @Test
    void userMessageEscapesTheQuery() {
        assertThat(StreamJson.userMessage("t1", "a \"b\"\nc"))
                .isEqualTo("{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"a \\\"b\\\"\\nc\"},\"task_id\":\"t1\"}");
    }
}
