package dev.baton.agent.profile;

import dev.baton.agent.AgentProfile;
import dev.baton.agent.AgentProfile.AgentMode;
import dev.baton.agent.AgentProfile.QueryInput;
import dev.baton.shared.BatonException;
import dev.baton.shared.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class AgentProfileLoaderTest {
    private static final Path BASE = Path.of("/opt/baton");
    private final AgentProfileLoader loader = new AgentProfileLoader(BASE);

    private static final String BRIEF_EXAMPLE = """
            profiles:
              claude-code:
                mode: session
                command: ["claude", "-p", "--input-format", "stream-json", "--output-format", "stream-json", "--verbose", "--model", "{model}"]
                defaultModel: claude-sonnet-4-5
              codex:
                mode: oneshot
                input: argument
                command: ["codex", "exec", "--model", "{model}", "{query}"]
              aider:
                mode: oneshot
                command: ["aider", "--yes-always", "--no-auto-commits", "--model", "{model}", "--message", "{query}"]
              scripted:
                mode: oneshot
                command: ["examples/agents/scripted-agent.sh", "{query}"]
                env: {FOO: bar}
                queryTimeoutMs: 600000
            """;

    @Test
    void readsProfiles() {
        AgentProfiles profiles = loader.parse(BRIEF_EXAMPLE, "profiles.yaml");

        assertThat(profiles.names()).containsExactly("claude-code", "codex", "aider", "scripted");
        AgentProfile claude = profiles.require("claude-code");
        assertThat(claude.mode()).isEqualTo(AgentMode.SESSION);
        assertThat(claude.command()).startsWith("claude", "-p").endsWith("--model", "{model}");
        assertThat(claude.defaultModel()).isEqualTo("claude-sonnet-4-5");
        assertThat(claude.input()).isNull();
        assertThat(claude.env()).isEmpty();
        assertThat(claude.startTimeout()).isNull();

        assertThat(profiles.require("codex").input()).isEqualTo(QueryInput.ARGUMENT);
        assertThat(profiles.require("aider").input()).as("inferred from {query}").isEqualTo(QueryInput.ARGUMENT);

        AgentProfile scripted = profiles.require("scripted");
        assertThat(scripted.command()).containsExactly("/opt/baton/examples/agents/scripted-agent.sh", "{query}");
        assertThat(scripted.env()).isEqualTo(Map.of("FOO", "bar"));
        assertThat(scripted.queryTimeout()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void defaultsAreOneshotAndStdinWithoutQueryPlaceholder() {
        AgentProfile profile = loader.parse("profiles:\n  cat:\n    command: [cat]\n", "p.yaml").require("cat");

        assertThat(profile.mode()).isEqualTo(AgentMode.ONESHOT);
        assertThat(profile.input()).isEqualTo(QueryInput.STDIN);
    }

    @Test
    void programPathsResolveAgainstTheBaseButNamesAndAbsolutePathsStay() {
        AgentProfiles profiles = loader.parse("""
                profiles:
                  a: {command: ["./agent.sh"]}
                  b: {command: ["/usr/bin/env", "x"]}
                  c: {command: "claude"}
                  d: {command: ["../tools/agent"]}
                """, "p.yaml");

        assertThat(profiles.require("a").command()).containsExactly("/opt/baton/agent.sh");
        assertThat(profiles.require("b").command()).containsExactly("/usr/bin/env", "x");
        assertThat(profiles.require("c").command()).containsExactly("claude");
        assertThat(profiles.require("d").command()).containsExactly("/opt/tools/agent");
    }

    @Test
    void unknownModeIsLocated() {
        String yaml = BRIEF_EXAMPLE.replace("    mode: oneshot\n    input: argument", "    mode: batch\n    input: argument");

        assertThat(problems(yaml)).containsExactly(
                "profiles.yaml:7:5: profiles.codex.mode: unknown mode 'batch' (expected oneshot or session)");
    }

    @Test
    void unknownKeysAreRejected() {
        assertThat(problems("""
                profiles:
                  codex:
                    command: [codex, "{query}"]
                    timeout: 5
                version: 2
                """)).containsExactly(
                "profiles.yaml:5:1: version: unknown key (expected one of profiles)",
                "profiles.yaml:4:5: profiles.codex.timeout: unknown key (expected one of mode, input, command, env, defaultModel, startTimeoutMs, queryTimeoutMs)");
    }

    @Test
    void aShellStringIsRejectedWithTheListToWriteInstead() {
        assertThat(problems("""
                profiles:
                  claude:
                    command: claude -p --model "{model}"
                """)).singleElement().asString()
                .startsWith("profiles.yaml:3:5: profiles.claude.command: is a single string with spaces, but Baton runs no shell")
                .contains("[\"claude\", \"-p\", \"--model\", \"\\\"{model}\\\"\"]");
    }

    @Test
    void emptyAndMissingCommandsAreRejected() {
        assertThat(problems("""
                profiles:
                  empty:
                    command: []
                  blank:
                    command: ["", "x"]
                  none:
                    mode: oneshot
                """)).containsExactly(
                "profiles.yaml:3:5: profiles.empty.command: is empty; the first element must be the program to run",
                "profiles.yaml:5:5: profiles.blank.command: the first element (the program) is empty",
                "profiles.yaml:7:5: profiles.none.command: missing; give the program and its arguments as a list, e.g. [\"claude\", \"-p\"]");
    }

    @Test
    void commandElementsMustBeValues() {
        assertThat(problems("""
                profiles:
                  x:
                    command:
                      - agent
                      - [nested]
                """)).containsExactly("profiles.yaml:5:9: profiles.x.command[1]: expected a single value, found a list");
    }

    @Test
    void queryPlaceholderMustFitModeAndInput() {
        assertThat(problems("""
                profiles:
                  s:
                    mode: session
                    command: [claude, "{query}"]
                  a:
                    input: argument
                    command: [codex, exec]
                  i:
                    input: stdin
                    command: [codex, "{query}"]
                  si:
                    mode: session
                    input: stdin
                    command: [claude]
                """)).containsExactly(
                "profiles.yaml:4:5: profiles.s.command: contains {query}, but a session agent gets its queries as JSON lines on stdin",
                "profiles.yaml:7:5: profiles.a.command: input is argument, but no element contains {query}",
                "profiles.yaml:10:5: profiles.i.command: input is stdin, but an element contains {query}",
                "profiles.yaml:13:5: profiles.si.input: only applies to oneshot mode; a session agent always reads JSON lines on stdin");
    }

    @Test
    void unknownPlaceholderIsRejected() {
        assertThat(problems("""
                profiles:
                  x:
                    command: [agent, "--json", "{\\"a\\": 1}", "{prompt}"]
                """)).containsExactly(
                "profiles.yaml:3:46: profiles.x.command[3]: unknown placeholder {prompt} (known: {query}, {model}, {workspace}, {mcpConfig})");
    }

    @Test
    void valuesAreChecked() {
        assertThat(problems("""
                profiles:
                  "bad name!":
                    command: [a]
                  x:
                    command: [a]
                    input: file
                    env: {"1X": y, GOOD: ok, EMPTY: null}
                    defaultModel: ""
                    startTimeoutMs: soon
                    queryTimeoutMs: -5
                  y: just a string
                """)).containsExactly(
                "profiles.yaml:2:3: profiles.bad name!: invalid profile name (letters, digits, '.', '_' and '-'; starting with a letter or digit)",
                "profiles.yaml:6:5: profiles.x.input: unknown input 'file' (expected argument or stdin)",
                "profiles.yaml:7:11: profiles.x.env.1X: invalid environment variable name",
                "profiles.yaml:7:30: profiles.x.env.EMPTY: expected a value, found nothing (null)",
                "profiles.yaml:8:5: profiles.x.defaultModel: expected a non-empty value, found a single value",
                "profiles.yaml:9:5: profiles.x.startTimeoutMs: expected a positive number of milliseconds, found 'soon'",
                "profiles.yaml:10:5: profiles.x.queryTimeoutMs: expected a positive number of milliseconds, found '-5'",
                "profiles.yaml:11:3: profiles.y: expected a mapping with mode, command …, found a single value");
    }

    @Test
    void duplicateKeysAreRejected() {
        assertThat(problems("""
                profiles:
                  x:
                    command: [a]
                  x:
                    command: [b]
                """)).containsExactly("profiles.yaml:4:3: profiles.x: appears twice (first at line 2)");
    }

    @Test
    void brokenYamlIsLocated() {
        List<String> problems = problems("""
                profiles:
                  x:
                    command: [a, b
                  y: 1
                """);

        assertThat(problems).singleElement().asString().startsWith("profiles.yaml:4:").contains("not valid YAML");
    }

    @Test
    void emptyAndWronglyShapedFilesAreRejected() {
        assertThat(problems("")).containsExactly("profiles.yaml:1:1: is empty; expected a 'profiles:' mapping");
        assertThat(problems("- a\n- b\n")).containsExactly("profiles.yaml:1:1: expected a mapping with a 'profiles:' key, found a list");
        assertThat(problems("other: 1\n")).containsExactly(
                "profiles.yaml:1:1: other: unknown key (expected one of profiles)",
                "profiles.yaml:1:1: profiles: missing; expected a mapping of profile names to profiles");
        assertThat(problems("profiles: [a]\n")).containsExactly(
                "profiles.yaml:1:1: profiles: expected a mapping of profile names to profiles, found a list");
    }

    @Test
    void exceptionCarriesCodeProblemsAndAReadableMessage() {
        BatonException.Invalid invalid = catchThrowableOfType(BatonException.Invalid.class,
                () -> loader.parse("profiles:\n  x:\n    mode: batch\n    command: [a]\n", "conf/profiles.yaml"));

        assertThat(invalid.code()).isEqualTo("agent.invalid-profiles");
        assertThat(invalid.problems()).containsExactly(
                new Problem("conf/profiles.yaml", 3, 5, "profiles.x.mode", "unknown mode 'batch' (expected oneshot or session)"));
        assertThat(invalid.getMessage()).isEqualTo("invalid agent profiles in conf/profiles.yaml:\n"
                + "  conf/profiles.yaml:3:5: profiles.x.mode: unknown mode 'batch' (expected oneshot or session)");
    }

    @Test
    void loadsFilesAndNamesThemInProblems(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("profiles.yaml");
        Files.writeString(file, "profiles:\n  noop:\n    command: [true]\n");
        assertThat(new AgentProfileLoader(dir).load(file).names()).containsExactly("noop");

        Files.writeString(file, "profiles:\n  noop:\n    command: true false\n");
        assertThatThrownBy(() -> new AgentProfileLoader(dir).load(file))
                .isInstanceOf(BatonException.Invalid.class).hasMessageContaining(file + ":3:5: profiles.noop.command");

        assertThatThrownBy(() -> new AgentProfileLoader(dir).load(dir.resolve("missing.yaml")))
                .isInstanceOf(BatonException.Invalid.class)
                .satisfies(e -> assertThat(((BatonException.Invalid) e).code()).isEqualTo("agent.profiles-unreadable"));
    }

    private List<String> problems(String yaml) {
        BatonException.Invalid invalid = catchThrowableOfType(BatonException.Invalid.class, () -> loader.parse(yaml, "profiles.yaml"));
        assertThat(invalid).as("expected problems in:\n" + yaml).isNotNull();
        return invalid.problems().stream().map(Problem::toString).toList();
    }
}
