package dev.baton.spec;

import dev.baton.shared.Problem;
import dev.baton.spec.StatusUpdate.TaskState;
import dev.baton.workflow.TaskStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static dev.baton.spec.SpecFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The lenient read of files written or rewritten by seed 000's outside agents. */
class StatusUpdateTest {
    @TempDir
    Path tmp;
    SpecFixture f;

    @BeforeEach
    void setUp() throws IOException {
        f = new SpecFixture(tmp);
    }

    private StatusUpdate read(String content) {
        return f.parser.parseStatusUpdate("spec-001.yaml", content, f.ctx);
    }

    @Test
    void readsSeed000sMinimalFile() throws IOException {
        // What an agent written against seed 000 produces with YAML.stringify (JSON-ish quoting, no works).
        StatusUpdate update = read(text(
                "id: spec-001",
                "version: 7",
                "status: in-progress",
                "tasks:",
                "  - id: TASK-001",
                "    assignedTo: agent-1",
                "    status: completed",
                "  - id: TASK-002",
                "    assignedTo: agent-2",
                "    status: in-progress",
                "    startedAt: \"2026-02-19T10:31:02.123Z\"",
                "  - id: TASK-003",
                "submissions:",
                "  - taskId: TASK-001",
                "    path: " + f.diffs.toAbsolutePath().resolve("TASK-001.diff"),
                "    timestamp: 2026-02-19T10:30:00.000Z"));

        assertThat(update.id()).isEqualTo("spec-001");
        assertThat(update.version()).isEqualTo(7L);
        assertThat(update.status()).isEqualTo("in-progress");
        assertThat(update.tasks()).containsExactly(
                new TaskState("TASK-001", TaskStatus.COMPLETED, "agent-1", null),
                new TaskState("TASK-002", TaskStatus.IN_PROGRESS, "agent-2", Instant.parse("2026-02-19T10:31:02.123Z")),
                new TaskState("TASK-003", null, null, null));
        assertThat(update.submissions()).containsExactly(Submission.pending("TASK-001",
                f.diffs.toRealPath().resolve("TASK-001.diff"), Instant.parse("2026-02-19T10:30:00Z")));
    }

    @Test
    void understandsAFileWithoutVersionAndIgnoresEverythingElse() {
        StatusUpdate update = read(text(
                "name: whatever",
                "status: working on it",
                "works: not even a list",
                "tasks:",
                "  - {id: T1, status: failed, query: ignored, x: 1}",
                "submissions:",
                "  - {taskId: T1, path: T1.diff, timestamp: 2026-02-19T10:30:00+09:00, status: failed, reason: conflict, by: agent-1}"));

        assertThat(update.version()).isNull();
        assertThat(update.id()).isNull();
        assertThat(update.status()).isEqualTo("working on it");
        assertThat(update.tasks()).containsExactly(new TaskState("T1", TaskStatus.FAILED, null, null));
        assertThat(update.submissions()).singleElement().satisfies(s -> {
            assertThat(s.status()).isEqualTo(SubmissionStatus.FAILED);
            assertThat(s.reason()).isEqualTo("conflict");
            assertThat(s.timestamp()).isEqualTo(Instant.parse("2026-02-19T01:30:00Z"));
        });
    }

    @Test
    void readsTheFullFormatTooSkippingTasksWithoutId() {
        StatusUpdate update = read(SpecFixture.VALID);
        assertThat(update.tasks()).extracting(TaskState::id, TaskState::status)
                .containsExactly(tuple("TASK-001", TaskStatus.IN_PROGRESS), tuple("TASK-003", TaskStatus.COMPLETED));
    }

    @Test
    void reportsProblemsInTheFieldsItReads() {
        List<Problem> problems = SpecFixture.problems(() -> read(text(
                "version: two",
                "tasks:",
                "  - {status: completed}",
                "  - {id: 'a b'}",
                "  - {id: T1, status: finished, startedAt: now}",
                "  - {id: T1}",
                "submissions:",
                "  - {taskId: T1, path: ../../etc/passwd, timestamp: 2026-02-19T10:30:00Z}")));

        assertThat(problems).extracting(Problem::line, Problem::field).containsExactly(
                tuple(1, "version"),
                tuple(4, "tasks[1].id"),
                tuple(5, "tasks[2].status"),
                tuple(5, "tasks[2].startedAt"),
                tuple(6, "tasks[3].id"),
                tuple(8, "submissions[0].path"));
        assertThat(problems).allSatisfy(p -> assertThat(p.file()).isEqualTo("spec-001.yaml"));
    }

    @Test
    void malformedYamlIsStillASyntaxError() {
        assertThat(SpecFixture.problems(() -> read("tasks: [\n"))).singleElement()
                .satisfies(p -> assertThat(p.message()).startsWith("syntax error:"));
    }
}
