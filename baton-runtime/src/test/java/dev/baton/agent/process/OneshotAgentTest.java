package dev.baton.agent.process;

import dev.baton.agent.AgentProfile;
import dev.baton.agent.AgentProfile.QueryInput;
import dev.baton.agent.AgentResult;
import dev.baton.agent.AgentResult.Outcome;
import dev.baton.agent.AgentSession;
import dev.baton.agent.AgentStart;
import dev.baton.agent.AgentStart.Source;
import dev.baton.shared.BatonException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.baton.agent.process.AgentFixtures.LONG;
import static dev.baton.agent.process.AgentFixtures.SCRIPTED_AGENT;
import static dev.baton.agent.process.AgentFixtures.SHORT_STOP;
import static dev.baton.agent.process.AgentFixtures.oneshot;
import static dev.baton.agent.process.AgentFixtures.script;
import static dev.baton.agent.process.AgentFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class OneshotAgentTest {
    private final ProcessAgentLauncher launcher = new ProcessAgentLauncher();

    @TempDir
    Path workspace;

    @Test
    void queryAsArgumentRunsInTheWorkspaceAndAnswersWithStdout() throws Exception {
        try (AgentSession agent = launcher.start(start(oneshot("scripted", QueryInput.ARGUMENT, SCRIPTED_AGENT, "{query}"), workspace))) {
            AgentResult result = agent.query("t1", "write docs/a.txt hello\necho all done");

            assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(result.exitCode()).isZero();
            assertThat(result.output()).isEqualTo("Wrote docs/a.txt\nall done");
            assertThat(result.error()).isNull();
            assertThat(result.stderrTail()).contains("scripted-agent: wrote docs/a.txt");
            assertThat(Files.readString(workspace.resolve("docs/a.txt"))).isEqualTo("hello\n");
        }
    }

    @Test
    void queryOnStdinIsWrittenAndClosed() throws Exception {
        try (AgentSession agent = launcher.start(start(oneshot("stdin", QueryInput.STDIN, SCRIPTED_AGENT), workspace))) {
            AgentResult result = agent.query("t1", "echo first\necho second");

            assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(result.output()).isEqualTo("first\nsecond");
        }
    }

    @Test
    void inputDefaultsToStdinWhenTheCommandHasNoQueryPlaceholder() throws Exception {
        try (AgentSession agent = launcher.start(start(oneshot("cat", null, "cat"), workspace))) {
            assertThat(agent.query("t1", "from stdin").output()).isEqualTo("from stdin");
        }
    }

    @Test
    void workingDirectoryIsTheWorkspace() throws Exception {
        try (AgentSession agent = launcher.start(start(oneshot("pwd", QueryInput.STDIN, "pwd", "-P"), workspace))) {
            assertThat(agent.query("t1", "").output()).isEqualTo(workspace.toRealPath().toString());
        }
    }

    @Test
    void shellSyntaxInTheQueryStaysOneLiteralArgument() throws Exception {
        String query = "hi; touch pwned1 && echo $(touch pwned2) `touch pwned3` | tee pwned4 > pwned5 {model} {workspace} $HOME";
        AgentProfile printf = oneshot("printf", QueryInput.ARGUMENT, "printf", "[%s]\\n", "{query}");
        try (AgentSession agent = launcher.start(start(printf, workspace))) {
            AgentResult result = agent.query("t1", query);

            assertThat(result.output()).isEqualTo("[" + query + "]");
            try (var files = Files.list(workspace)) {
                assertThat(files).isEmpty();
            }
        }
    }

    @Test
    void mcpConfigExpandsToTheFileTheEnvironmentNamesAndTheAgentSeesTheVariableToo() throws Exception {
        AgentProfile echo = new AgentProfile("echo", AgentProfile.AgentMode.ONESHOT,
                List.of("sh", "-c", "printf '%s|%s' \"$1\" \"$BATON_MCP_CONFIG\"", "sh", "--mcp-config={mcpConfig}"), QueryInput.STDIN, Map.of(), null, null, null);
        String file = workspace.resolve(".baton/mcp.json").toString();
        AgentStart start = new AgentStart(echo, workspace, null, Map.of(AgentStart.MCP_CONFIG_ENV, file), LONG, LONG, SHORT_STOP,
                AgentStart.OutputListener.NONE);
        try (AgentSession agent = launcher.start(start)) {
            assertThat(agent.query("t1", "").output()).isEqualTo("--mcp-config=" + file + "|" + file);
        }
        // Without the variable a template using {mcpConfig} cannot start, and says why.
        try (AgentSession agent = launcher.start(new AgentStart(echo, workspace, null, Map.of(), LONG, LONG, SHORT_STOP, AgentStart.OutputListener.NONE))) {
            AgentResult r = agent.query("t1", "");
            assertThat(r.succeeded()).isFalse();
            assertThat(r.error()).contains("{mcpConfig}");
        }
    }

    @Test
    void placeholdersAreReplacedInsideElements() throws Exception {
        AgentProfile echo = new AgentProfile("echo", AgentProfile.AgentMode.ONESHOT,
                List.of("printf", "%s\\n", "--model={model}", "{workspace}/x", "q:{query}"), QueryInput.ARGUMENT, Map.of(), "default-model", null, null);
        try (AgentSession agent = launcher.start(start(echo, workspace))) {
            assertThat(agent.query("t1", "go").output())
                    .isEqualTo("--model=default-model\n" + workspace.toAbsolutePath() + "/x\nq:go");
        }
        AgentStart withModel = new AgentStart(echo, workspace, "chosen", Map.of(), LONG, LONG, SHORT_STOP, AgentStart.OutputListener.NONE);
        try (AgentSession agent = launcher.start(withModel)) {
            assertThat(agent.query("t1", "go").output()).startsWith("--model=chosen\n");
        }
    }

    @Test
    void environmentIsInheritedPlusProfilePlusStart() throws Exception {
        AgentProfile printenv = new AgentProfile("env", AgentProfile.AgentMode.ONESHOT, List.of("printenv", "FROM_PROFILE", "OVERRIDDEN", "PATH"),
                QueryInput.STDIN, Map.of("FROM_PROFILE", "p", "OVERRIDDEN", "profile"), null, null, null);
        AgentStart start = new AgentStart(printenv, workspace, null, Map.of("OVERRIDDEN", "start"), LONG, LONG, SHORT_STOP, AgentStart.OutputListener.NONE);
        try (AgentSession agent = launcher.start(start)) {
            assertThat(agent.query("t1", "").output()).isEqualTo("p\nstart\n" + System.getenv("PATH"));
        }
    }

    @Test
    void nonZeroExitFailsWithExitCodeAndStderrTail() throws Exception {
        try (AgentSession agent = launcher.start(start(oneshot("scripted", QueryInput.ARGUMENT, SCRIPTED_AGENT, "{query}"), workspace))) {
            AgentResult result = agent.query("t1", "echo partial answer\nfail 3 the build is broken");

            assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(result.exitCode()).isEqualTo(3);
            assertThat(result.output()).isEqualTo("partial answer");
            assertThat(result.stderrTail()).endsWith("the build is broken");
            assertThat(result.error()).contains("code 3");
        }
    }

    @Test
    void stderrTailKeepsOnlyTheLastLines() throws Exception {
        Path noisy = script(workspace, "noisy.sh", "for i in $(seq 1 500); do echo \"error line $i\" >&2; done; exit 1\n");
        try (AgentSession agent = launcher.start(start(oneshot("noisy", QueryInput.STDIN, noisy.toString()), workspace))) {
            AgentResult result = agent.query("t1", "");

            assertThat(result.stderrTail().lines()).hasSizeLessThanOrEqualTo(LineTail.MAX_LINES).last().isEqualTo("error line 500");
            assertThat(result.stderrTail().length()).isLessThanOrEqualTo(LineTail.MAX_CHARS);
        }
    }

    @Test
    void programThatCannotBeExecutedIsStartFailed() throws Exception {
        try (AgentSession agent = launcher.start(start(oneshot("missing", QueryInput.STDIN, "baton-no-such-agent-xyz"), workspace))) {
            AgentResult result = agent.query("t1", "hello");

            assertThat(result.outcome()).isEqualTo(Outcome.START_FAILED);
            assertThat(result.error()).contains("missing").contains("baton-no-such-agent-xyz");
        }
    }

    @Test
    void missingWorkspaceIsStartFailed() throws Exception {
        try (AgentSession agent = launcher.start(start(oneshot("scripted", QueryInput.STDIN, SCRIPTED_AGENT), workspace.resolve("gone")))) {
            AgentResult result = agent.query("t1", "echo hi");

            assertThat(result.outcome()).isEqualTo(Outcome.START_FAILED);
            assertThat(result.error()).contains("gone");
        }
    }

    @Test
    void modelPlaceholderWithoutAnyModelIsStartFailed() throws Exception {
        try (AgentSession agent = launcher.start(start(oneshot("m", QueryInput.ARGUMENT, "echo", "{model}", "{query}"), workspace))) {
            AgentResult result = agent.query("t1", "hi");

            assertThat(result.outcome()).isEqualTo(Outcome.START_FAILED);
            assertThat(result.error()).contains("{model}");
        }
    }

    @Test
    void profilesThatCannotWorkAreRejectedAtStart() {
        assertThatThrownBy(() -> launcher.start(start(oneshot("a", QueryInput.ARGUMENT, "echo", "hi"), workspace)))
                .isInstanceOf(BatonException.Invalid.class).hasMessageContaining("{query}");
        assertThatThrownBy(() -> launcher.start(start(AgentFixtures.session("s", "cat", "{query}"), workspace)))
                .isInstanceOf(BatonException.Invalid.class).hasMessageContaining("session");
    }

    @Test
    void hangingAgentTimesOutAndItsTreeIsKilled() throws Exception {
        Path tree = treeAgent(workspace);
        AgentStart start = start(oneshot("hang", QueryInput.STDIN, tree.toString()), workspace, Duration.ofSeconds(5), AgentStart.OutputListener.NONE);
        try (AgentSession agent = launcher.start(start)) {
            AgentResult result = agent.query("t1", "anything");

            assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
            assertThat(result.exitCode()).isEqualTo(-1);
            assertThat(result.output()).isEqualTo("tree started");
            assertThat(result.error()).contains("5s");
            assertThat(recordedPids(workspace)).hasSize(3).noneMatch(OneshotAgentTest::running);
        }
    }

    @Test
    void stopDuringQueryAnswersStoppedAndKillsTheTree() throws Exception {
        Path tree = treeAgent(workspace);
        AgentSession agent = launcher.start(start(oneshot("hang", QueryInput.STDIN, tree.toString()), workspace));
        CompletableFuture<AgentResult> query = CompletableFuture.supplyAsync(() -> ask(agent, "anything"));
        List<Long> processes = awaitTree(workspace);

        agent.stop();

        assertThat(processes).noneMatch(OneshotAgentTest::running);
        assertThat(query.get(LONG.toSeconds(), TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.STOPPED);
        assertThat(agent.query("t2", "again").outcome()).isEqualTo(Outcome.STOPPED);
        assertThat(agent.pid()).isEmpty();
        agent.stop();
    }

    @Test
    void interruptedQueryKillsItsProcess() throws Exception {
        Path tree = treeAgent(workspace);
        try (AgentSession agent = launcher.start(start(oneshot("hang", QueryInput.STDIN, tree.toString()), workspace))) {
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            Thread caller = Thread.ofPlatform().start(() -> {
                try {
                    agent.query("t1", "anything");
                    failure.complete(null);
                } catch (InterruptedException e) {
                    failure.complete(e);
                }
            });
            List<Long> processes = awaitTree(workspace);

            caller.interrupt();

            assertThat(failure.get(LONG.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
            assertThat(processes).noneMatch(OneshotAgentTest::running);
        }
    }

    @Test
    void megabytesOnStdoutAndStderrDoNotDeadlock() throws Exception {
        // stderr first: an implementation reading only stdout would block the agent on a full stderr pipe.
        Path big = script(workspace, "big.sh", """
                { head -c 3000000 /dev/zero | tr '\\0' 'e' | fold -w 100; echo; } >&2
                head -c 5000000 /dev/zero | tr '\\0' 'o' | fold -w 100; echo
                echo the end
                """);
        AgentFixtures.Recorder recorder = new AgentFixtures.Recorder();
        try (AgentSession agent = launcher.start(start(oneshot("big", QueryInput.STDIN, big.toString()), workspace, LONG, recorder))) {
            AgentResult result = agent.query("t1", "");

            assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(recorder.count(Source.STDERR)).isEqualTo(30_000);
            assertThat(recorder.count(Source.STDOUT)).isEqualTo(50_001);
            assertThat(result.output()).endsWith("\nthe end").contains("characters) of output left out]");
            assertThat(result.output().length()).isLessThanOrEqualTo(ProcessAgentLauncher.DEFAULT_OUTPUT_LIMIT_CHARS + 200);
            assertThat(result.stderrTail().length()).isLessThanOrEqualTo(LineTail.MAX_CHARS);
        }
    }

    @Test
    void outputListenerGetsEveryLineWithTaskAndSource() throws Exception {
        AgentFixtures.Recorder recorder = new AgentFixtures.Recorder();
        AgentStart start = start(oneshot("scripted", QueryInput.ARGUMENT, SCRIPTED_AGENT, "{query}"), workspace, LONG, recorder);
        try (AgentSession agent = launcher.start(start)) {
            agent.query("task-1", "echo one");
            agent.query("task-2", "echo two\nfail 1 bad");
        }

        assertThat(recorder.lines).contains(
                new AgentFixtures.Line("task-1", Source.STDOUT, "one"),
                new AgentFixtures.Line("task-1", Source.STDERR, "scripted-agent: done (1 instructions)"),
                new AgentFixtures.Line("task-2", Source.STDOUT, "two"),
                new AgentFixtures.Line("task-2", Source.STDERR, "bad"));
    }

    @Test
    void aListenerThatThrowsDoesNotBreakTheAgent() throws Exception {
        AgentStart start = start(oneshot("scripted", QueryInput.ARGUMENT, SCRIPTED_AGENT, "{query}"), workspace, LONG,
                (taskId, source, line) -> {
                    throw new IllegalStateException("listener bug");
                });
        try (AgentSession agent = launcher.start(start)) {
            assertThat(agent.query("t1", "echo fine").output()).isEqualTo("fine");
        }
    }

    /**
     * An agent whose child and grandchild ignore SIGTERM (ignored signals are inherited). It records the
     * pids of all three in {@code pids} and prints "tree started" once they all exist.
     */
    static Path treeAgent(Path dir) throws java.io.IOException {
        return script(dir, "tree-agent.sh", """
                trap '' TERM
                echo $$ >> pids
                bash -c 'trap "" TERM; sleep 300 & echo $$ $! >> pids; wait' &
                until [ "$(wc -w < pids)" -ge 3 ]; do sleep 0.05; done
                echo tree started
                wait
                """);
    }

    static List<Long> recordedPids(Path dir) throws java.io.IOException {
        return java.util.Arrays.stream(Files.readString(dir.resolve("pids")).trim().split("\\s+")).map(Long::valueOf).toList();
    }

    static boolean running(long pid) {
        return ProcessHandle.of(pid).filter(ProcessTree::isRunning).isPresent();
    }

    /** Waits until the tree agent in {@code dir} has started its child and grandchild; returns the three pids. */
    static List<Long> awaitTree(Path dir) {
        return await().atMost(LONG).ignoreExceptions().until(() -> recordedPids(dir), pids -> pids.size() >= 3);
    }

    static AgentResult ask(AgentSession agent, String query) {
        try {
            return agent.query("t1", query);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
