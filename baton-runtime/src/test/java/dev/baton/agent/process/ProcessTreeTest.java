package dev.baton.agent.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessTreeTest {
    @TempDir
    Path dir;

    @Test
    void killsChildAndGrandchildThatIgnoreSigterm() throws Exception {
        Path agent = OneshotAgentTest.treeAgent(dir);
        Process process = new ProcessBuilder(agent.toString()).directory(dir.toFile()).redirectErrorStream(true).start();
        List<Long> tree = OneshotAgentTest.awaitTree(dir);

        ProcessTree.kill(process.toHandle(), Duration.ofMillis(300));

        assertThat(tree).hasSize(3).noneMatch(OneshotAgentTest::running);
    }

    @Test
    void politeProcessEndsOnSigterm() throws Exception {
        Process process = new ProcessBuilder("sleep", "300").start();

        ProcessTree.kill(process.toHandle(), AgentFixtures.LONG);

        assertThat(ProcessTree.isRunning(process.toHandle())).isFalse();
        assertThat(process.waitFor()).isEqualTo(143);
    }

    @Test
    void killingAnEndedProcessIsHarmless() throws Exception {
        Process process = new ProcessBuilder("true").start();
        process.waitFor();

        ProcessTree.kill(process.toHandle(), Duration.ofMillis(100));

        assertThat(ProcessTree.isRunning(process.toHandle())).isFalse();
    }
}
