package dev.baton.agent.process;

import dev.baton.agent.AgentProfile.QueryInput;
import dev.baton.agent.AgentResult;
import dev.baton.agent.AgentSession;
import dev.baton.agent.AgentStart;
import dev.baton.agent.AgentStart.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.baton.agent.process.AgentFixtures.LONG;
import static dev.baton.agent.process.AgentFixtures.oneshot;
import static dev.baton.agent.process.AgentFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the output listener gets from real processes: lines as read, pieces of long lines, printable text. */
class LineCaptureTest {
    private final ProcessAgentLauncher launcher = new ProcessAgentLauncher();
    private final Captured captured = new Captured();

    @TempDir
    Path workspace;

    record Piece(String taskId, Source source, String text, boolean partial, Instant at) {
    }

    /** Implements both methods: the old one must not be called when the new one is overridden. */
    static final class Captured implements AgentStart.OutputListener {
        final List<Piece> pieces = new CopyOnWriteArrayList<>();

        @Override
        public void line(String taskId, Source source, String line) {
            throw new AssertionError("the capture points call the partial-aware method");
        }

        @Override
        public void line(String taskId, Source source, String line, boolean partial) {
            pieces.add(new Piece(taskId, source, line, partial, Instant.now()));
        }

        List<String> texts(Source source) {
            return pieces.stream().filter(p -> p.source() == source).map(Piece::text).toList();
        }
    }

    private AgentResult run(String script) throws Exception {
        try (AgentSession agent = launcher.start(start(oneshot("sh", QueryInput.ARGUMENT, "sh", "-c", "{query}"), workspace, LONG, captured))) {
            return agent.query("TASK-7", script);
        }
    }

    @Test
    void eachLineIsHandedOnAsSoonAsItIsReadWhileTheProcessRuns() throws Exception {
        CompletableFuture<AgentResult> result = CompletableFuture.supplyAsync(() -> {
            try {
                return run("printf 'first\\n'; printf 'oops\\n' >&2; while [ ! -f go ]; do sleep 0.05; done; printf 'second\\n'");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> captured.pieces.size() == 2);
        // Still running (it waits for the file): the lines came as they were read, not at the end.
        assertThat(result).isNotDone();
        assertThat(captured.texts(Source.STDOUT)).containsExactly("first");
        assertThat(captured.texts(Source.STDERR)).containsExactly("oops");
        Instant firstSeen = captured.pieces.getFirst().at();

        Files.createFile(workspace.resolve("go"));
        assertThat(result.get().output()).isEqualTo("first\nsecond");
        assertThat(captured.texts(Source.STDOUT)).containsExactly("first", "second");
        assertThat(captured.pieces.getLast().at()).isAfterOrEqualTo(firstSeen);
        assertThat(captured.pieces).allSatisfy(p -> {
            assertThat(p.taskId()).isEqualTo("TASK-7");
            assertThat(p.partial()).isFalse();
        });
    }

    @Test
    void aLastLineWithoutNewlineIsHandedOnAtEof() throws Exception {
        run("printf 'one\\r\\ntwo'");
        assertThat(captured.pieces).extracting(Piece::text).containsExactly("one", "two");
        assertThat(captured.pieces).extracting(Piece::partial).containsExactly(false, false);
    }

    @Test
    void aLongLineComesInPiecesOf64KibMarkedPartialButTheLast() throws Exception {
        run("head -c 150000 /dev/zero | tr '\\000' x; printf '\\nshort\\n'; head -c 65536 /dev/zero | tr '\\000' y; printf '\\n'");
        List<Piece> pieces = captured.pieces;
        assertThat(pieces).extracting(p -> p.text().length()).containsExactly(65_536, 65_536, 150_000 - 2 * 65_536, 5, 65_536);
        assertThat(pieces).extracting(Piece::partial).containsExactly(true, true, false, false, false);
        assertThat(String.join("", pieces.get(0).text(), pieces.get(1).text(), pieces.get(2).text())).isEqualTo("x".repeat(150_000));
    }

    @Test
    void aPieceNeverEndsInTheMiddleOfAUtf8Character() throws Exception {
        // 65,535 ASCII bytes, then é (two bytes) straddling the 64 KiB mark.
        run("head -c 65535 /dev/zero | tr '\\000' a; printf '\\303\\251 after\\n'");
        assertThat(captured.pieces).extracting(Piece::text).containsExactly("a".repeat(65_535), "é after");
        assertThat(captured.pieces).extracting(Piece::partial).containsExactly(true, false);
    }

    @Test
    void binaryOutputIsMadePrintable() throws Exception {
        AgentResult result = run("printf 'a\\000b\\033[31mred\\377end\\tx\\rz\\n'");
        assertThat(captured.texts(Source.STDOUT)).containsExactly("a\\u0000b\\u001b[31mred\uFFFDend\tx\\u000dz");
        // Only the log path is escaped: the answer keeps the agent's text.
        assertThat(result.output()).isEqualTo("a\u0000b\u001b[31mred\uFFFDend\tx\rz");
    }

    @Test
    void listenersWrittenBeforePiecesExistedStillGetEveryPiece() throws Exception {
        AgentFixtures.Recorder recorder = new AgentFixtures.Recorder();
        try (AgentSession agent = launcher.start(start(oneshot("sh", QueryInput.ARGUMENT, "sh", "-c", "{query}"), workspace, LONG, recorder))) {
            agent.query("t1", "head -c 70000 /dev/zero | tr '\\000' z; printf '\\n'");
        }
        assertThat(recorder.lines).extracting(l -> l.text().length()).containsExactly(65_536, 70_000 - 65_536);
    }
}
