package dev.baton.spec;

import dev.baton.mcp.McpServerRef;
import dev.baton.shared.Problem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.baton.spec.SpecFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** A work's {@code mcpServers}: names or {@code {name, envOverrides}}, checked against the configured servers. */
class SpecMcpRefsTest {
    @TempDir
    Path tmp;
    SpecFixture f;

    @BeforeEach
    void setUp() throws IOException {
        f = new SpecFixture(tmp);
    }

    private static String spec(String mcpServers) {
        return text("name: X", "repositories: [{name: app, path: app}]",
                "works:",
                "  - id: w",
                "    name: W",
                "    agent: scripted",
                "    mcpServers: " + mcpServers,
                "tasks: [{work: w, query: go}]");
    }

    @Test
    void namesAndMapsWithEnvOverridesAreRead() {
        SpecDocument doc = f.parse(spec("[github, {name: docs, envOverrides: {Authorization: 'Bearer ${DOCS_TOKEN}', X-Team: a}}]"));

        assertThat(doc.works().getFirst().mcpServers()).containsExactly(McpServerRef.of("github"),
                new McpServerRef("docs", Map.of("Authorization", "Bearer ${DOCS_TOKEN}", "X-Team", "a")));
    }

    @Test
    void theWriterWritesBackWhatTheUserWroteAndTheParserReadsItAgain() {
        SpecDocument doc = f.parse(spec("[github, {name: fs, envOverrides: {ROOT: '${HOME}/x'}}, {name: docs}]"));
        String written = new SpecWriter(f.ctx).write(doc);

        assertThat(written).contains("- github", "- name: fs", "ROOT: \"${HOME}/x\"", "- docs");
        assertThat(f.parse(written).works()).isEqualTo(doc.works());
    }

    @Test
    void anUnknownServerIsRefusedAtItsPlaceNamingTheKnownOnes() {
        List<Problem> problems = f.problemsOf(spec("[github, {name: gitlab}, nope]"));

        assertThat(problems).extracting(Problem::field, Problem::line, Problem::message).containsExactly(
                tuple("works[0].mcpServers[1]", 7, "unknown MCP server 'gitlab' (known: docs, fs, github, ok)"),
                tuple("works[0].mcpServers[2]", 7, "unknown MCP server 'nope' (known: docs, fs, github, ok)"));
    }

    @Test
    void withNoServersConfiguredTheMessageSaysWhereToConfigureThem() {
        var none = SpecContext.of(f.repos, f.diffs, Set.of("scripted"));
        List<Problem> problems = SpecFixture.problems(() -> f.parser.parse("spec.yaml", spec("[github]"), none));

        assertThat(problems).singleElement().extracting(Problem::field, Problem::message).containsExactly("works[0].mcpServers[0]",
                "unknown MCP server 'github' (no MCP servers are configured: list them in the file BATON_MCP_SERVERS names)");
    }

    @Test
    void badShapesAreReportedWithTheirField() {
        List<Problem> problems = f.problemsOf(spec("[github, github, {envOverrides: {A: b}}, {name: docs, envOverrides: [a]}, "
                + "{name: fs, envOverrides: {'bad key': x, B: [1]}, extra: 1}]"));

        assertThat(problems).extracting(Problem::field, Problem::message).containsExactlyInAnyOrder(
                tuple("works[0].mcpServers[1]", "duplicate MCP server 'github' (first used at line 7)"),
                tuple("works[0].mcpServers[2].name", "is required"),
                tuple("works[0].mcpServers[3].envOverrides", "expected a mapping of names to values, found a list"),
                tuple("works[0].mcpServers[4].envOverrides.bad key", "'bad key' is not a variable or header name (letters, digits, '_', '.', '-')"),
                tuple("works[0].mcpServers[4].envOverrides.B", "expected a value, found a list"),
                tuple("works[0].mcpServers[4].extra", "unknown key 'extra' (allowed: envOverrides, name; prefix your own keys with 'x-')"));
    }
}
