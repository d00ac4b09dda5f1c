package dev.baton.agent.process;

import dev.baton.agent.AgentProfile;
import dev.baton.agent.AgentProfile.AgentMode;
import dev.baton.agent.AgentResult;
import dev.baton.agent.AgentResult.Outcome;
import dev.baton.agent.AgentSession;
import dev.baton.agent.profile.AgentProfileLoader;
import dev.baton.agent.profile.AgentProfiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.baton.agent.process.AgentFixtures.REPOSITORY_ROOT;
import static dev.baton.agent.process.AgentFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * examples/agents/profiles.yaml and the scripted agents, run the way the engine runs them: in a workspace
 * where each repository of the work is a linked folder.
 */
class ExampleAgentsTest {
    private static final AgentProfiles PROFILES =
            new AgentProfileLoader(REPOSITORY_ROOT).load(REPOSITORY_ROOT.resolve("examples/agents/profiles.yaml"));

    private final ProcessAgentLauncher launcher = new ProcessAgentLauncher();

    @TempDir
    Path root;
    Path workspace;

    /** workspace/app → repos/app and workspace/lib → repos/lib, both git repositories. */
    @BeforeEach
    void linkRepositories() throws Exception {
        workspace = Files.createDirectories(root.resolve("workspace"));
        for (String name : new String[] {"app", "lib"}) {
            Path repository = Files.createDirectories(root.resolve("repos").resolve(name));
            Process init = new ProcessBuilder("git", "init", "-q", repository.toString()).inheritIO().start();
            assertThat(init.waitFor()).isZero();
            Files.writeString(repository.resolve("README.md"), "# " + name + "\n");
            Files.createSymbolicLink(workspace.resolve(name), repository);
        }
    }

    @Test
    void profilesFileDescribesTheRealAndTheScriptedAgents() {
        assertThat(PROFILES.names()).containsExactly("claude-code", "codex", "aider", "scripted", "scripted-stdin", "scripted-session", "noop", "scripted-mcp");
        assertThat(PROFILES.require("claude-code").mode()).isEqualTo(AgentMode.SESSION);
        assertThat(PROFILES.require("scripted").command().getFirst()).isEqualTo(REPOSITORY_ROOT.resolve("examples/agents/scripted-agent.sh").toString());
        for (AgentProfile profile : PROFILES.all()) {
            String program = profile.command().getFirst();
            if (program.contains("/")) assertThat(Path.of(program)).isExecutable();
        }
    }

    @Test
    void scriptedAgentEditsFilesThroughTheLinkedRepositories() throws Exception {
        try (AgentSession agent = launcher.start(start(PROFILES.require("scripted"), workspace))) {
            AgentResult result = agent.query("t1", "write app/README.md More text.\nadd a changelog entry");

            assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(result.output()).contains("Wrote app/README.md", "Noted in app/NOTES.md", "Noted in lib/NOTES.md");
        }
        assertThat(Files.readString(root.resolve("repos/app/README.md"))).isEqualTo("# app\nMore text.\n");
        assertThat(Files.readString(root.resolve("repos/app/NOTES.md"))).isEqualTo("add a changelog entry\n");
        assertThat(Files.readString(root.resolve("repos/lib/NOTES.md"))).isEqualTo("add a changelog entry\n");
    }

    @Test
    void scriptedAgentGetsTheProfileEnvironmentAndRefusesPathsOutsideTheWorkspace() throws Exception {
        try (AgentSession agent = launcher.start(start(PROFILES.require("scripted"), workspace))) {
            assertThat(agent.query("t1", "env SCRIPTED_AGENT").output()).isEqualTo("SCRIPTED_AGENT=1");

            AgentResult escape = agent.query("t2", "write ../outside.txt x");
            assertThat(escape.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(escape.exitCode()).isEqualTo(2);
            assertThat(escape.stderrTail()).contains("refusing to write outside the workspace");
        }
        assertThat(root.resolve("outside.txt")).doesNotExist();
    }

    @Test
    void scriptedStdinAgentReadsTheQueryFromStdin() throws Exception {
        try (AgentSession agent = launcher.start(start(PROFILES.require("scripted-stdin"), workspace))) {
            assertThat(agent.query("t1", "write lib/src/new.txt created\necho done").output()).isEqualTo("Wrote lib/src/new.txt\ndone");
        }
        assertThat(root.resolve("repos/lib/src/new.txt")).hasContent("created");
    }

    @Test
    void scriptedSessionAgentWorksTaskAfterTask() throws Exception {
        try (AgentSession agent = launcher.start(start(PROFILES.require("scripted-session"), workspace))) {
            assertThat(agent.query("t1", "write app/a.txt one").succeeded()).isTrue();
            assertThat(agent.query("t2", "write app/a.txt two").succeeded()).isTrue();
            assertThat(agent.query("t3", "please review").output()).contains("Noted in app/NOTES.md", "Noted in lib/NOTES.md");
        }
        assertThat(root.resolve("repos/app/a.txt")).hasContent("one\ntwo");
    }

    @Test
    void noopAgentAnswersOk() throws Exception {
        try (AgentSession agent = launcher.start(start(PROFILES.require("noop"), workspace))) {
            AgentResult result = agent.query("t1", "anything at all");

            assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(result.output()).isEqualTo("ok");
        }
    }
}
