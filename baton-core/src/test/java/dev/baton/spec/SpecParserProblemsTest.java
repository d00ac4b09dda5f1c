package dev.baton.spec;

import dev.baton.shared.BatonException;
import dev.baton.shared.Problem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static dev.baton.spec.SpecFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class SpecParserProblemsTest {
    @TempDir
    Path tmp;
    SpecFixture f;

    @BeforeEach
    void setUp() throws IOException {
        f = new SpecFixture(tmp);
    }

    private static String minimal(String... extraLines) {
        return text("name: X", "repositories: [{name: app, path: app}]", "works: [{id: w, name: W, agent: scripted}]",
                "tasks: [{work: w, query: go}]") + (extraLines.length == 0 ? "" : text(extraLines));
    }

    @Test
    void malformedYamlIsOneProblemAtTheParsersLineAndColumn() {
        List<Problem> problems = f.problemsOf(text(
                "name: X",
                "works:",
                "  - name: W",
                "    agent: [scripted",
                "    model: m"));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("spec.yaml");
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.column()).isEqualTo(10);
            assertThat(p.field()).isNull();
            assertThat(p.message()).startsWith("syntax error: expected ',' or ']'")
                    .contains("flow sequence that starts at line 4, column 12")
                    .doesNotContain("\n").doesNotContain("Exception").doesNotContain("at tools.");
        });
    }

    @Test
    void badIndentationAndUnterminatedQuotesPointAtTheRightPlace() {
        assertThat(f.problemsOf(text("name: X", "  works: 1"))).singleElement()
                .extracting(Problem::line, Problem::column).containsExactly(2, 8);
        assertThat(f.problemsOf(text("name: \"open", "works: []"))).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.message()).contains("unexpected end of stream").contains("quoted scalar that starts at line 1, column 7");
        });
        assertThat(f.problemsOf("name: X\nworks:\n\t- a\n")).singleElement()
                .extracting(Problem::line, Problem::column).containsExactly(3, 1);
    }

    @Test
    void malformedJsonIsOneProblemWithLineAndColumn() {
        List<Problem> problems = SpecFixture.problems(() -> f.parser.parse("spec.json", "{\n  \"name\": \"X\",\n  \"works\": [1,]\n}\n", f.ctx));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.column()).isEqualTo(15);
            assertThat(p.message()).startsWith("syntax error: Unexpected character (']'");
        });
    }

    @Test
    void theExceptionMessageSaysWhereAndWhat() {
        assertThatThrownBy(() -> f.parse("name: [x\n"))
                .isInstanceOfSatisfying(BatonException.Invalid.class, e -> {
                    assertThat(e.code()).isEqualTo("spec.syntax");
                    assertThat(e.getMessage()).startsWith("spec.yaml:2:1: syntax error:");
                });
    }

    @Test
    void everySemanticProblemIsReportedAtOnceWithLineAndField() {
        String spec = text(
                "id: 'bad id'",                            // 1
                "version: -2",                             // 2
                "status: sleeping",                        // 3
                "repositories:",                           // 4
                "  - name: app",                           // 5
                "    path: ../outside",                    // 6
                "  - name: app",                           // 7
                "    path: lib",                           // 8
                "    branch: main",                        // 9
                "works:",                                  // 10
                "  - id: wk-a",                            // 11
                "    name: A",                             // 12
                "    agent: codex",                        // 13
                "    mcpServers: github",                  // 14
                "  - id: wk-a",                            // 15
                "    agent: scripted",                     // 16
                "tasks:",                                  // 17
                "  - id: TASK-1",                          // 18
                "    work: wk-missing",                    // 19
                "    query: '   '",                        // 20
                "    status: done",                        // 21
                "    startedAt: yesterday",                // 22
                "  - id: TASK-1",                          // 23
                "    work: wk-a",                          // 24
                "    query: fine",                         // 25
                "    qurey: typo",                         // 26
                "submissions:",                            // 27
                "  - taskId: TASK-9",                      // 28
                "    path: /etc/passwd",                   // 29
                "    timestamp: 2026-13-01T00:00:00Z",     // 30
                "    status: merged");                     // 31

        List<Problem> problems = f.problemsOf(spec);

        assertThat(problems).extracting(Problem::line, Problem::field).containsExactly(
                tuple(1, "name"),
                tuple(1, "id"),
                tuple(2, "version"),
                tuple(3, "status"),
                tuple(6, "repositories[0].path"),
                tuple(7, "repositories[1].name"),
                tuple(9, "repositories[1].branch"),
                tuple(13, "works[0].agent"),
                tuple(14, "works[0].mcpServers"),
                tuple(15, "works[1].name"),
                tuple(15, "works[1].id"),
                tuple(19, "tasks[0].work"),
                tuple(20, "tasks[0].query"),
                tuple(21, "tasks[0].status"),
                tuple(22, "tasks[0].startedAt"),
                tuple(23, "tasks[1].id"),
                tuple(26, "tasks[1].qurey"),
                tuple(28, "submissions[0].taskId"),
                tuple(29, "submissions[0].path"),
                tuple(30, "submissions[0].timestamp"),
                tuple(31, "submissions[0].status"));
        assertThat(problems).allSatisfy(p -> {
            assertThat(p.file()).isEqualTo("spec.yaml");
            assertThat(p.column()).isPositive();
        });
        assertThat(message(problems, "id")).contains("'bad id' is not a valid id");
        assertThat(message(problems, "name")).isEqualTo("is required");
        assertThat(message(problems, "version")).isEqualTo("must be a non-negative integer, found '-2'");
        assertThat(message(problems, "status")).startsWith("unknown status 'sleeping'");
        assertThat(message(problems, "repositories[0].path")).contains("climbs out of the root folder");
        assertThat(message(problems, "repositories[1].name")).isEqualTo("duplicate repository name 'app' (first used at line 5)");
        assertThat(message(problems, "repositories[1].branch")).startsWith("unknown key 'branch' (allowed: name, path;");
        assertThat(message(problems, "works[0].agent")).isEqualTo("unknown agent profile 'codex' (known: claude, scripted)");
        assertThat(message(problems, "works[0].mcpServers")).isEqualTo("expected a list, found a string");
        assertThat(message(problems, "works[1].id")).isEqualTo("duplicate work id 'wk-a' (first used at line 11)");
        assertThat(message(problems, "tasks[0].work")).isEqualTo("unknown work 'wk-missing' (works: wk-a)");
        assertThat(message(problems, "tasks[0].query")).isEqualTo("must not be blank");
        assertThat(message(problems, "tasks[0].status")).isEqualTo("unknown task status 'done' (expected one of pending, in-progress, completed, failed, cancelled)");
        assertThat(message(problems, "tasks[0].startedAt")).contains("'yesterday' is not an ISO-8601 timestamp");
        assertThat(message(problems, "tasks[1].id")).isEqualTo("duplicate task id 'TASK-1' (first used at line 18)");
        assertThat(message(problems, "submissions[0].taskId")).isEqualTo("no task has the id 'TASK-9'");
        assertThat(message(problems, "submissions[0].path")).contains("'/etc/passwd' is outside the root folder");
        assertThat(message(problems, "submissions[0].status")).startsWith("unknown submission status 'merged'");
    }

    @Test
    void theExceptionCountsTheProblems() {
        assertThatThrownBy(() -> f.parse(text("version: x", "name: ''")))
                .isInstanceOfSatisfying(BatonException.Invalid.class, e -> {
                    assertThat(e.code()).isEqualTo("spec.invalid");
                    assertThat(e.getMessage()).startsWith("spec.yaml:1:1: repositories: is required (and 4 more problems)");
                    assertThat(e.problems()).hasSize(5);
                });
    }

    @Test
    void requiredListsMustBeListsWithEntries() {
        List<Problem> problems = f.problemsOf(text("name: X", "repositories: app", "works: []", "tasks:", "  - just a string"));

        assertThat(problems).extracting(Problem::line, Problem::field, Problem::message).containsExactly(
                tuple(2, "repositories", "expected a list, found a string"),
                tuple(3, "works", "needs at least one entry"),
                tuple(5, "tasks[0]", "expected a mapping of keys, found a string"));
    }

    @Test
    void lengthLimitsApply() {
        String longName = "n".repeat(SpecParser.MAX_NAME_LENGTH + 1);
        String longQuery = "q".repeat(SpecParser.MAX_QUERY_LENGTH + 1);
        List<Problem> problems = f.problemsOf(text("name: " + longName, "repositories: [{name: app, path: app}]",
                "works: [{id: w, name: W, agent: scripted}]", "tasks: [{work: w, query: " + longQuery + "}]"));

        assertThat(problems).extracting(Problem::field, Problem::message).containsExactly(
                tuple("name", "is 201 characters long; at most 200 are allowed"),
                tuple("tasks[0].query", "is 100001 characters long; at most 100000 are allowed"));
    }

    @Test
    void aWorkNameMustBeUniqueToBeUsedAsAReferenceAndEveryWorkNeedsATask() {
        List<Problem> problems = f.problemsOf(text(
                "name: X",
                "repositories: [{name: app, path: app}]",
                "works:",
                "  - {name: Same, agent: scripted}",
                "  - {name: Same, agent: scripted}",
                "tasks:",
                "  - {work: Same, query: go}"));

        assertThat(problems).extracting(Problem::line, Problem::field, Problem::message).containsExactly(
                tuple(4, "works[0]", "work 'Same' has no tasks (every task names its work with 'work:')"),
                tuple(5, "works[1]", "work 'Same' has no tasks (every task names its work with 'work:')"),
                tuple(7, "tasks[0].work", "2 works are named 'Same'; refer to the work by its id"));
    }

    @Test
    void unknownKeysInsideEntriesAreTyposButXKeysAndUnknownTopLevelKeysAreNot() {
        SpecDocument doc = f.parse(minimal("x-owner: me", "agents: [ignored]")
                .replace("agent: scripted}", "agent: scripted, x-note: kept out}"));
        assertThat(doc.extra()).containsKeys("x-owner", "agents");

        assertThat(f.problemsOf(minimal().replace("query: go", "query: go, assignedto: a")))
                .singleElement().extracting(Problem::field).isEqualTo("tasks[0].assignedto");
    }

    @Test
    void anEmptyAgentSetSaysThatNoProfilesAreConfigured() {
        var ctx = SpecContext.of(f.repos, f.diffs, Set.of());
        assertThat(SpecFixture.problems(() -> f.parser.parse("s.yaml", minimal(), ctx)))
                .singleElement().extracting(Problem::message)
                .isEqualTo("unknown agent profile 'scripted' (no agent profiles are configured)");
    }

    @Test
    void repositoriesMustExistBeFoldersAndGitRepositories() throws IOException {
        Files.createDirectories(f.repos.resolve("plain"));
        Files.writeString(f.repos.resolve("file.txt"), "x");
        List<Problem> problems = f.problemsOf(text(
                "name: X",
                "repositories:",
                "  - {name: a, path: missing}",
                "  - {name: b, path: plain}",
                "  - {name: c, path: file.txt}",
                "  - {name: d, path: app}",
                "  - {name: e, path: ./app/}",
                "works: [{id: w, name: W, agent: scripted}]",
                "tasks: [{work: w, query: go}]"));

        assertThat(problems).extracting(Problem::line, Problem::message).satisfiesExactly(
                p -> assertThat(p.toList()).containsExactly(3, "'missing' does not exist (resolved to " + f.repos.toRealPath().resolve("missing") + ")"),
                p -> assertThat((String) p.toList().get(1)).startsWith("'plain' is not a git repository"),
                p -> assertThat((String) p.toList().get(1)).startsWith("'file.txt' is not a folder"),
                p -> assertThat(p.toList()).containsExactly(7, "duplicate repository path '" + f.repos.toRealPath().resolve("app") + "' (first used at line 6)"));
    }

    @Test
    void duplicateKeysAliasesAndSecondDocumentsAreProblems() {
        List<Problem> problems = f.problemsOf(minimal().replace("name: X\n", "name: X\nname: Y\n")
                + text("x-a: &anchor 1", "x-b: *anchor", "---", "name: second"));

        assertThat(problems).extracting(Problem::line, Problem::field, Problem::message).containsExactly(
                tuple(2, "name", "duplicate key 'name' (first at line 1)"),
                tuple(7, "x-b", "aliases (*anchor) are not supported; write the value out"),
                tuple(9, null, "only one document is allowed; a second one starts here"));
    }

    @Test
    void emptyFilesAndNonMappingsAreRefused() {
        assertThat(f.problemsOf("# nothing here\n")).singleElement().extracting(Problem::message).isEqualTo("the file is empty");
        assertThat(f.problemsOf("- a\n- b\n")).singleElement().extracting(Problem::message)
                .isEqualTo("the file must be a mapping of keys (id, name, repositories, works, tasks, …), not a list");
    }

    @Test
    void filesOverTheSizeLimitAreRefusedBeforeParsing() throws IOException {
        var small = new SpecContext(f.repos, f.diffs, Set.of("scripted"), Set.of(), 100);
        String big = "name: X\n" + "# é\n".repeat(30); // 8 + 30 × 5 UTF-8 bytes

        assertThatThrownBy(() -> f.parser.parse("big.yaml", big, small))
                .isInstanceOfSatisfying(BatonException.Invalid.class, e -> {
                    assertThat(e.code()).isEqualTo("spec.too-large");
                    assertThat(e.problems()).singleElement().extracting(Problem::message)
                            .isEqualTo("the file is 158 bytes; at most 100 are allowed");
                });
        Path file = Files.writeString(tmp.resolve("big.yaml"), big);
        assertThatThrownBy(() -> f.parser.parseFile(file, small)).isInstanceOf(BatonException.Invalid.class)
                .hasMessageContaining("158 bytes");
        assertThatThrownBy(() -> f.parser.parseFile(tmp.resolve("none.yaml"), small)).isInstanceOf(BatonException.NotFound.class);
    }

    @Test
    void aNestedValueOfTheWrongTypeIsReportedWhereItIs() {
        List<Problem> problems = f.problemsOf(minimal().replace("agent: scripted", "agent: {name: scripted}")
                .replace("works: [", "works: [{name: V, agent: scripted, mcpServers: [ok, [no], '']}, "));

        assertThat(problems).extracting(Problem::field, Problem::message).containsExactly(
                tuple("works[0]", "work 'V' has no tasks (every task names its work with 'work:')"),
                tuple("works[0].mcpServers[1]", "expected an MCP server name or {name: …, envOverrides: {…}}, found a list"),
                tuple("works[0].mcpServers[2]", "expected an MCP server name or {name: …, envOverrides: {…}}, found ''"),
                tuple("works[1].agent", "expected a string, found a mapping"));
    }

    @Test
    void jsonProblemsCarryJsonLinesAndColumns() {
        String json = """
                {
                  "name": "X",
                  "repositories": [{"name": "app", "path": "app"}],
                  "works": [{"id": "w", "name": "W", "agent": "codex", "agent": "scripted"}],
                  "tasks": [{"work": "w", "query": "go"}]
                }
                """;
        List<Problem> problems = SpecFixture.problems(() -> f.parser.parse("spec.json", json, f.ctx));

        assertThat(problems).extracting(Problem::line, Problem::column, Problem::field).containsExactly(
                tuple(4, 47, "works[0].agent"),
                tuple(4, 56, "works[0].agent"));
        assertThat(problems).extracting(Problem::message).containsExactly(
                "unknown agent profile 'codex' (known: claude, scripted)",
                "duplicate key 'agent' (first at line 4)");
    }

    @Test
    void absurdNestingIsRefused() {
        String deep = minimal("x-deep: " + "[".repeat(100) + "]".repeat(100));
        assertThatThrownBy(() -> f.parse(deep)).isInstanceOfSatisfying(BatonException.Invalid.class,
                e -> assertThat(e.code()).isEqualTo("spec.too-deep"));
    }

    private static String message(List<Problem> problems, String field) {
        return problems.stream().filter(p -> field.equals(p.field())).findFirst().orElseThrow().message();
    }
}
