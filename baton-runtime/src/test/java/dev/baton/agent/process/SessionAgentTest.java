package dev.baton.agent.process;

import dev.baton.agent.AgentProfile;
import dev.baton.agent.AgentResult;
import dev.baton.agent.AgentResult.Outcome;
import dev.baton.agent.AgentSession;
import dev.baton.agent.AgentStart;
import dev.baton.agent.AgentStart.Source;
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
import static dev.baton.agent.process.AgentFixtures.SESSION_AGENT;
import static dev.baton.agent.process.AgentFixtures.SHORT_STOP;
import static dev.baton.agent.process.AgentFixtures.script;
import static dev.baton.agent.process.AgentFixtures.session;
import static dev.baton.agent.process.AgentFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;

class SessionAgentTest {
    private final ProcessAgentLauncher launcher = new ProcessAgentLauncher();
    private final AgentProfile sessionAgent = session("scripted-session", SESSION_AGENT);

    @TempDir
    Path workspace;

    @Test
    void severalQueriesGoToOneProcess() throws Exception {
        try (AgentSession agent = launcher.start(start(sessionAgent, workspace))) {
            long pid = agent.pid().orElseThrow();

            AgentResult first = agent.query("t1", "write notes.txt first\necho one");
            AgentResult second = agent.query("t2", "write notes.txt second; rm -rf / $(id)");
            AgentResult third = agent.query("t3", "echo \"quoted\" \\ and {model}");

            assertThat(List.of(first, second, third)).allMatch(AgentResult::succeeded);
            assertThat(first.output()).isEqualTo("Wrote notes.txt\none");
            assertThat(third.output()).isEqualTo("\"quoted\" \\ and {model}");
            assertThat(Files.readString(workspace.resolve("notes.txt"))).isEqualTo("first\nsecond; rm -rf / $(id)\n");
            assertThat(agent.pid()).hasValue(pid);
        }
    }

    @Test
    void resultWithIsErrorFailsWithExitCodeOneAndTheSessionGoesOn() throws Exception {
        try (AgentSession agent = launcher.start(start(sessionAgent, workspace))) {
            AgentResult failed = agent.query("t1", "fail 4 tests are red");

            assertThat(failed.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(failed.exitCode()).isEqualTo(1);
            assertThat(failed.stderrTail()).contains("tests are red");
            assertThat(failed.error()).contains("error_during_execution");
            assertThat(agent.query("t2", "echo still here").output()).isEqualTo("still here");
        }
    }

    @Test
    void processExitingBeforeAnsweringFailsWithItsExitCodeAndTheNextQueryStartsAgain() throws Exception {
        try (AgentSession agent = launcher.start(start(sessionAgent, workspace))) {
            long pid = agent.pid().orElseThrow();
            assertThat(agent.query("t1", "echo hi").succeeded()).isTrue();

            AgentResult crashed = agent.query("t2", "crash 7");

            assertThat(crashed.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(crashed.exitCode()).isEqualTo(7);
            assertThat(crashed.error()).contains("before answering");
            AgentResult again = agent.query("t3", "echo back");
            assertThat(again.output()).isEqualTo("back");
            assertThat(agent.pid().orElseThrow()).isNotEqualTo(pid);
        }
    }

    @Test
    void outputListenerGetsEveryLineIncludingNonResultLines() throws Exception {
        AgentFixtures.Recorder recorder = new AgentFixtures.Recorder();
        try (AgentSession agent = launcher.start(start(sessionAgent, workspace, LONG, recorder))) {
            agent.query("t1", "echo hello");
        }

        assertThat(recorder.lines).filteredOn(line -> line.source() == Source.STDOUT).extracting(AgentFixtures.Line::text)
                .anyMatch(line -> line.contains("\"type\": \"assistant\""))
                .anyMatch(line -> line.contains("\"type\": \"result\""));
        assertThat(recorder.lines).filteredOn(line -> line.text().contains("\"type\": \"result\"")).extracting(AgentFixtures.Line::taskId).containsOnly("t1");
        assertThat(recorder.lines).filteredOn(line -> line.source() == Source.STDERR).extracting(AgentFixtures.Line::text)
                .contains("scripted-agent: done (1 instructions)");
    }

    @Test
    void programThatCannotBeExecutedIsStartFailedOnTheFirstQuery() throws Exception {
        try (AgentSession agent = launcher.start(start(session("missing", "baton-no-such-agent-xyz"), workspace))) {
            assertThat(agent.pid()).isEmpty();

            AgentResult result = agent.query("t1", "hello");

            assertThat(result.outcome()).isEqualTo(Outcome.START_FAILED);
            assertThat(result.error()).contains("baton-no-such-agent-xyz");
        }
    }

    @Test
    void processDyingRightAfterStartIsStartFailedWithItsExitCodeAndStderr() throws Exception {
        Path dies = script(workspace, "dies.sh", "echo 'not logged in' >&2\nexit 3\n");
        try (AgentSession agent = launcher.start(start(session("dies", dies.toString()), workspace))) {
            AgentResult result = agent.query("t1", "hello");

            assertThat(result.outcome()).isEqualTo(Outcome.START_FAILED);
            assertThat(result.exitCode()).isEqualTo(3);
            assertThat(result.stderrTail()).contains("not logged in");
        }
    }

    @Test
    void resultLineJustBeforeExitIsStillTheAnswer() throws Exception {
        Path once = script(workspace, "once.sh", """
                read -r request
                echo '{"type":"result","subtype":"success","is_error":false,"result":"only once"}'
                exit 0
                """);
        try (AgentSession agent = launcher.start(start(session("once", once.toString()), workspace))) {
            AgentResult result = agent.query("t1", "hello");

            assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(result.output()).isEqualTo("only once");
        }
    }

    @Test
    void requestIsOneJsonLineWithTaskId() throws Exception {
        Path echo = script(workspace, "echo-request.sh", """
                read -r request
                printf '%s\\n' "$request" > request.json
                echo '{"type":"result","subtype":"success","is_error":false,"result":"ok"}'
                sleep 300
                """);
        try (AgentSession agent = launcher.start(start(session("echo", echo.toString()), workspace))) {
            agent.query("task-9", "line 1\nline \"2\"");
        }

        assertThat(Files.readString(workspace.resolve("request.json"))).isEqualTo(
                "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"line 1\\nline \\\"2\\\"\"},\"task_id\":\"task-9\"}\n");
    }

    @Test
    void hangingQueryTimesOutKillsTheProcessAndTheNextQueryStartsAgain() throws Exception {
        // Plain bash (no python) so that the short timeout only ever hits the query meant to hang.
        Path agentScript = script(workspace, "hang-session.sh", """
                while read -r request; do
                    case "$request" in *hang*) sleep 300 ;; esac
                    echo '{"type":"result","subtype":"success","is_error":false,"result":"answered"}'
                done
                """);
        AgentStart start = start(session("hang", agentScript.toString()), workspace, Duration.ofSeconds(3), AgentStart.OutputListener.NONE);
        try (AgentSession agent = launcher.start(start)) {
            ProcessHandle first = ProcessHandle.of(agent.pid().orElseThrow()).orElseThrow();

            AgentResult result = agent.query("t1", "hang");

            assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
            assertThat(ProcessTree.isRunning(first)).isFalse();
            AgentResult next = agent.query("t2", "answer");
            assertThat(next.output()).isEqualTo("answered");
            assertThat(agent.pid().orElseThrow()).isNotEqualTo(first.pid());
        }
    }

    @Test
    void stopDuringQueryAnswersStoppedAndKillsTheTree() throws Exception {
        Path tree = script(workspace, "tree-session.sh", """
                trap '' TERM
                read -r request
                echo $$ >> pids
                bash -c 'trap "" TERM; sleep 300 & echo $$ $! >> pids; wait' &
                wait
                """);
        AgentSession agent = launcher.start(start(session("tree", tree.toString()), workspace));
        CompletableFuture<AgentResult> query = CompletableFuture.supplyAsync(() -> OneshotAgentTest.ask(agent, "work"));
        List<Long> processes = OneshotAgentTest.awaitTree(workspace);

        agent.stop();

        assertThat(processes).noneMatch(OneshotAgentTest::running);
        assertThat(query.get(LONG.toSeconds(), TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.STOPPED);
        assertThat(agent.query("t2", "more").outcome()).isEqualTo(Outcome.STOPPED);
        assertThat(agent.pid()).isEmpty();
    }

    @Test
    void stopWithoutQueryKillsTheIdleProcess() {
        AgentSession agent = launcher.start(start(sessionAgent, workspace));
        ProcessHandle process = ProcessHandle.of(agent.pid().orElseThrow()).orElseThrow();

        agent.close();

        assertThat(ProcessTree.isRunning(process)).isFalse();
    }

    @Test
    void profileEnvironmentReachesTheSessionProcess() throws Exception {
        AgentProfile withEnv = new AgentProfile("env", AgentProfile.AgentMode.SESSION, List.of(SESSION_AGENT), null,
                Map.of("GREETING", "hello from the profile"), null, null, null);
        AgentStart start = new AgentStart(withEnv, workspace, null, Map.of("BATON_WORKFLOW_ID", "wf-7"), LONG, LONG, SHORT_STOP,
                AgentStart.OutputListener.NONE);
        try (AgentSession agent = launcher.start(start)) {
            assertThat(agent.query("t1", "env GREETING\nenv BATON_WORKFLOW_ID").output())
                    .isEqualTo("GREETING=hello from the profile\nBATON_WORKFLOW_ID=wf-7");
        }
    }
}
