package dev.baton.agent.process;

import dev.baton.agent.AgentProfile;
import dev.baton.agent.AgentProfile.AgentMode;
import dev.baton.agent.AgentProfile.QueryInput;
import dev.baton.agent.AgentStart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Profiles, starts and output recorders for tests that run real agent processes. */
final class AgentFixtures {
    /** The repository root: tests run in baton-runtime/. */
    static final Path REPOSITORY_ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path EXAMPLE_AGENTS = REPOSITORY_ROOT.resolve("examples/agents");
    static final String SCRIPTED_AGENT = EXAMPLE_AGENTS.resolve("scripted-agent.sh").toString();
    static final String SESSION_AGENT = EXAMPLE_AGENTS.resolve("session-agent.sh").toString();

    /** Generous: the build machine is small and shared; tests assert outcomes, never durations. */
    static final Duration LONG = Duration.ofSeconds(60);
    static final Duration SHORT_STOP = Duration.ofMillis(500);

    private AgentFixtures() {
    }

    static AgentProfile oneshot(String name, QueryInput input, String... command) {
        return new AgentProfile(name, AgentMode.ONESHOT, List.of(command), input, Map.of(), null, null, null);
    }

    static AgentProfile session(String name, String... command) {
        return new AgentProfile(name, AgentMode.SESSION, List.of(command), null, Map.of(), null, null, null);
    }

    static AgentStart start(AgentProfile profile, Path workspace) {
        return start(profile, workspace, LONG, AgentStart.OutputListener.NONE);
    }

    static AgentStart start(AgentProfile profile, Path workspace, Duration queryTimeout, AgentStart.OutputListener output) {
        return new AgentStart(profile, workspace, null, Map.of(), LONG, queryTimeout, SHORT_STOP, output);
    }

    /** Writes an executable bash script. */
    static Path script(Path dir, String name, String body) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/usr/bin/env bash\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** Every line an agent printed. */
    record Line(String taskId, AgentStart.Source source, String text) {
    }

    static final class Recorder implements AgentStart.OutputListener {
        final List<Line> lines = new CopyOnWriteArrayList<>();

        @Override
        public void line(String taskId, AgentStart.Source source, String line) {
            lines.add(new Line(taskId, source, line));
        }

        long count(AgentStart.Source source) {
            return lines.stream().filter(line -> line.source() == source).count();
        }
    }

}
