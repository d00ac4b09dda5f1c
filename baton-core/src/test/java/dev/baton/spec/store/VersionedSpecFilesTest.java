package dev.baton.spec.store;

import dev.baton.shared.BatonException;
import dev.baton.spec.SpecYaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VersionedSpecFilesTest {
    private static final String SPEC = """
            id: wf-1
            version: 3
            status: running
            name: demo
            custom: kept
            tasks:
              - id: tk-1
                work: build
                status: pending
                query: one
              - id: tk-2
                work: build
                assignedTo: node-agent
                status: pending
                query: two
            submissions: []
            """;

    @TempDir
    Path dir;

    private final List<SpecSnapshot> written = new CopyOnWriteArrayList<>();
    private final VersionedSpecFiles files = new VersionedSpecFiles(java.time.Duration.ofSeconds(10), written::add);

    private Path spec() throws Exception {
        Path f = dir.resolve("wf-1.yaml");
        Files.writeString(f, SPEC);
        return f;
    }

    private static String field(SpecSnapshot s, String task, String key) {
        var root = SpecYaml.readTree("t", s.content());
        return SpecMerge.text(SpecMerge.find(root.path("tasks"), "id", task).orElseThrow().get(key));
    }

    @Test
    void anUpdateRaisesTheVersionKeepsUnknownKeysAndIsReportedAfterTheWrite() throws Exception {
        Path f = spec();
        SpecSnapshot s = files.update(f, 3, SpecPatch.builder().task("tk-1", TaskField.STATUS, "pending", "in-progress").build());

        assertThat(s.version()).isEqualTo(4);
        assertThat(field(s, "tk-1", "status")).isEqualTo("in-progress");
        assertThat(s.content()).contains("custom: kept").contains("query: one");
        assertThat(Files.readString(f)).isEqualTo(s.content());
        assertThat(written).containsExactly(s);
        assertThat(s.specId()).isEqualTo("wf-1");
    }

    @Test
    void updatesBasedOnTheSameVersionThatTouchDifferentTasksOrFieldsMerge() throws Exception {
        Path f = spec();
        files.update(f, 3, SpecPatch.builder().task("tk-1", TaskField.STATUS, "pending", "in-progress").build());
        files.update(f, 3, SpecPatch.builder().task("tk-2", TaskField.STATUS, "pending", "completed").build());
        SpecSnapshot s = files.update(f, 3, SpecPatch.builder().task("tk-1", TaskField.ASSIGNED_TO, null, "agent-b").build());

        assertThat(s.version()).isEqualTo(6);
        assertThat(field(s, "tk-1", "status")).isEqualTo("in-progress");
        assertThat(field(s, "tk-1", "assignedTo")).isEqualTo("agent-b");
        assertThat(field(s, "tk-2", "status")).isEqualTo("completed");
    }

    @Test
    void aTrueConflictIsRefusedWithBothValuesAndNothingIsWritten() throws Exception {
        Path f = spec();
        files.update(f, 3, SpecPatch.builder().task("tk-2", TaskField.ASSIGNED_TO, "node-agent", "agent-a").build());
        String before = Files.readString(f);

        assertThatThrownBy(() -> files.update(f, 3, SpecPatch.builder().task("tk-2", TaskField.ASSIGNED_TO, "node-agent", "agent-b").build()))
                .isInstanceOfSatisfying(BatonException.Conflict.class, e -> {
                    assertThat(e.code()).isEqualTo("spec.conflict");
                    assertThat(e.problems()).singleElement().satisfies(p -> {
                        assertThat(p.field()).isEqualTo("tasks[tk-2].assignedTo");
                        assertThat(p.message()).contains("theirs: agent-a").contains("yours: agent-b").contains("you read node-agent");
                    });
                });
        assertThat(Files.readString(f)).isEqualTo(before);
    }

    @Test
    void aStatusOnlyMovesForward() throws Exception {
        Path f = spec();
        files.update(f, 3, SpecPatch.builder().task("tk-2", TaskField.STATUS, "pending", "in-progress").build());
        // Read at version 3 too, but wants it further along: merges.
        SpecSnapshot s = files.update(f, 3, SpecPatch.builder().task("tk-2", TaskField.STATUS, "pending", "completed").build());
        assertThat(field(s, "tk-2", "status")).isEqualTo("completed");

        assertThatThrownBy(() -> files.update(f, 5, SpecPatch.builder().task("tk-2", TaskField.STATUS, "completed", "pending").build()))
                .isInstanceOf(BatonException.Conflict.class).hasMessageContaining("only moves forward");
        assertThatThrownBy(() -> files.update(f, 3, SpecPatch.builder().task("tk-2", TaskField.STATUS, "pending", "failed").build()))
                .isInstanceOfSatisfying(BatonException.Conflict.class, e ->
                        assertThat(e.problems().getFirst().message()).contains("theirs: completed").contains("yours: failed"));
    }

    @Test
    void theServerMayResetTheTasksItRuns() throws Exception {
        Path f = spec();
        files.update(f, 3, SpecPatch.builder().task("tk-1", TaskField.STATUS, "pending", "in-progress").build());
        SpecSnapshot s = files.updateAsServer(f, SpecPatch.builder().task("tk-1", TaskField.STATUS, "in-progress", "pending").build());
        assertThat(field(s, "tk-1", "status")).isEqualTo("pending");
    }

    @Test
    void anUpdateThatChangesNothingWritesNothing() throws Exception {
        Path f = spec();
        SpecSnapshot s = files.update(f, 3, SpecPatch.builder().task("tk-1", TaskField.STATUS, "pending", "pending").build());
        assertThat(s.version()).isEqualTo(3);
        assertThat(written).isEmpty();
    }

    @Test
    void unknownTasksAndVersionsFromTheFutureAreRefused() throws Exception {
        Path f = spec();
        assertThatThrownBy(() -> files.update(f, 3, SpecPatch.builder().task("tk-9", TaskField.STATUS, "pending", "completed").build()))
                .isInstanceOf(BatonException.NotFound.class).hasMessageContaining("tk-9");
        assertThatThrownBy(() -> files.update(f, 7, SpecPatch.builder().task("tk-1", TaskField.STATUS, "pending", "completed").build()))
                .isInstanceOf(BatonException.Conflict.class).hasMessageContaining("version 3").hasMessageContaining("version 7");
        assertThatThrownBy(() -> files.update(f, 3, SpecPatch.builder().task("tk-1", TaskField.STATUS, "pending", "done-ish").build()))
                .isInstanceOf(BatonException.Invalid.class).hasMessageContaining("tasks[tk-1].status");
        assertThatThrownBy(() -> files.update(dir.resolve("nope.yaml"), 1, SpecPatch.builder().build()))
                .isInstanceOf(BatonException.NotFound.class);
    }

    @Test
    void malformedYamlIsRefusedWithItsLineAndTheFileStays() throws Exception {
        Path f = dir.resolve("wf-1.yaml");
        Files.writeString(f, "id: wf-1\nversion: 2\ntasks:\n  - id: [unclosed\n");
        assertThatThrownBy(() -> files.update(f, 2, SpecPatch.builder().task("tk-1", TaskField.STATUS, "pending", "completed").build()))
                .isInstanceOfSatisfying(BatonException.Invalid.class, e -> {
                    assertThat(e.problems().getFirst().line()).isGreaterThanOrEqualTo(4);
                    assertThat(e.getMessage()).contains("wf-1.yaml");
                });
        assertThat(Files.readString(f)).contains("[unclosed");
    }

    @Test
    void submissionsAreAddedOnceAndTheirOutcomeIsRecordedOnce() throws Exception {
        Path f = spec();
        Instant at = Instant.parse("2026-02-19T10:30:00Z");
        files.update(f, 3, SpecPatch.builder().submission(new SpecPatch.AddSubmission("tk-2", "tk-2.diff", at)).build());
        SpecSnapshot s = files.update(f, 3, SpecPatch.builder().submission(new SpecPatch.AddSubmission("tk-2", "tk-2.diff", at)).build());
        assertThat(s.version()).isEqualTo(4);
        assertThat(s.content()).contains("taskId: tk-2").contains("status: pending");

        s = files.update(f, 4, SpecPatch.builder().submission(new SpecPatch.SubmissionOutcome("tk-2", "tk-2.diff", "applied", "abc123", null)).build());
        assertThat(s.content()).contains("status: applied").contains("commit: abc123");
        assertThatThrownBy(() -> files.update(f, 4, SpecPatch.builder()
                .submission(new SpecPatch.SubmissionOutcome("tk-2", "tk-2.diff", "failed", null, "late")).build()))
                .isInstanceOf(BatonException.Conflict.class).hasMessageContaining("theirs: applied");
    }

    @Test
    void aRewriteWithoutVersionGetsTheNextVersionOnlyIfUnchangedSinceSeen() throws Exception {
        Path f = spec();
        Files.writeString(f, SPEC.replace("status: pending\n    query: two", "status: completed\n    query: two"));
        SpecSnapshot seen = files.read(f);
        assertThat(seen.version()).isEqualTo(3);

        assertThat(files.assignNextVersion(f, seen.sha256(), 3)).hasValueSatisfying(s -> {
            assertThat(s.version()).isEqualTo(4);
            assertThat(field(s, "tk-2", "status")).isEqualTo("completed");
        });
        assertThat(files.assignNextVersion(f, seen.sha256(), 3)).isEmpty();
    }

    @Test
    void createRefusesAnExistingFile() throws Exception {
        Path f = spec();
        assertThatThrownBy(() -> files.create(f, SPEC)).isInstanceOf(BatonException.Conflict.class);
        SpecSnapshot s = files.create(dir.resolve("wf-2.yaml"), SPEC.replace("wf-1", "wf-2"));
        assertThat(s.version()).isEqualTo(3);
    }

    @Test
    void concurrentWritersLoseNoUpdate() throws Exception {
        StringBuilder yaml = new StringBuilder("id: wf-1\nversion: 0\ntasks:\n");
        int writers = 6;
        int rounds = 40;
        for (int w = 0; w < writers; w++) yaml.append("  - id: tk-").append(w).append("\n    work: a\n    status: pending\n    query: q\n");
        Path f = dir.resolve("wf-1.yaml");
        Files.writeString(f, yaml.toString());
        // A second store instance stands for a second process: they share only the file and its lock.
        VersionedSpecFiles other = new VersionedSpecFiles();
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            for (int w = 0; w < writers; w++) {
                String task = "tk-" + w;
                VersionedSpecFiles mine = w % 2 == 0 ? files : other;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        SpecSnapshot read = mine.read(f);
                        String from = field(read, task, "assignedTo");
                        mine.update(f, read.version(), SpecPatch.builder().task(task, TaskField.ASSIGNED_TO, from, "round-" + i).build());
                    }
                    return null;
                }));
            }
            for (Future<?> d : done) d.get();
        }
        SpecSnapshot end = files.read(f);
        assertThat(end.version()).isEqualTo((long) writers * rounds);
        for (int w = 0; w < writers; w++) assertThat(field(end, "tk-" + w, "assignedTo")).isEqualTo("round-" + (rounds - 1));
    }
}
