package dev.baton.store;

import dev.baton.shared.BatonException;
import dev.baton.shared.Ids;
import dev.baton.workflow.Checkpoint;
import dev.baton.workflow.EventLog.StoredEvent;
import dev.baton.workflow.Report;
import dev.baton.workflow.Task;
import dev.baton.workflow.TaskStatus;
import dev.baton.workflow.Work;
import dev.baton.workflow.WorkStatus;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowEvent;
import dev.baton.workflow.WorkflowEvent.*;
import dev.baton.workflow.WorkflowRepository.WorkflowQuery;
import dev.baton.workflow.WorkflowStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static dev.baton.store.Fixtures.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link JdbcWorkflowRepository} and {@link JdbcEventLog} must show, whatever the database.
 * Subclasses only say which database to open.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WorkflowRepositoryContractTest {
    protected Database database;
    protected JdbcWorkflowRepository repository;
    protected JdbcEventLog events;
    private final EventCodec codec = new EventCodec();

    /** Called once per test class; may create the database (or schema) first. */
    protected abstract DatabaseUrl databaseUrl() throws Exception;

    /** Called once after all tests, after the database is closed. */
    protected void dropDatabase() throws Exception {
    }

    @BeforeAll
    void openDatabase() throws Exception {
        database = Database.open(databaseUrl(), new PoolSettings(2, 10, 5000));
        repository = new JdbcWorkflowRepository(database);
        events = new JdbcEventLog(database);
    }

    @AfterAll
    void closeDatabase() throws Exception {
        if (database != null) database.close();
        dropDatabase();
    }

    @BeforeEach
    void emptyTables() {
        JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
        jdbc.update("DELETE FROM events");
        jdbc.update("DELETE FROM workflows"); // the rest cascades
    }

    // ---- aggregate round trip ----

    @Test
    void createThenFindReturnsTheWholeAggregate() {
        Workflow wf = Fixtures.workflow();
        repository.create(wf);

        Workflow found = repository.require(wf.id());

        assertThat(found).isEqualTo(wf);
        assertThat(found.works()).extracting(Work::id).containsExactly("wk-a", "wk-b");
        assertThat(found.works().getFirst().tasks()).extracting(Task::id).containsExactly("TASK-001", "TASK-002");
        assertThat(found.works().get(1).model()).isNull();
        assertThat(found.startedAt()).isNull();
        assertThat(Fixtures.task(found, "TASK-003").exitCode()).isNull();
        assertThat(Fixtures.task(found, "TASK-002").exitCode()).isEqualTo(2);
    }

    @Test
    void aWorkflowWithoutWorksAndAWorkWithoutTasksRoundTrip() {
        Workflow full = Fixtures.workflow();
        Workflow empty = full.withWorks(List.of());
        Workflow other = Fixtures.workflow();
        Workflow oneEmptyWork = other.withWorks(List.of(other.works().getFirst().withTasks(List.of())));
        repository.create(empty);
        repository.create(oneEmptyWork);

        assertThat(repository.require(empty.id())).isEqualTo(empty);
        assertThat(repository.require(oneEmptyWork.id())).isEqualTo(oneEmptyWork);
    }

    @Test
    void instantsAreKeptToTheMicrosecond() {
        Instant withNanos = Instant.parse("2031-12-31T23:59:59.987654321Z");
        Workflow wf = Fixtures.workflow("nanos", withNanos);
        repository.create(wf);

        Workflow found = repository.require(wf.id());

        assertThat(found.createdAt()).isEqualTo(Instant.parse("2031-12-31T23:59:59.987654Z"));
        assertThat(Fixtures.task(found, "TASK-001").startedAt()).isEqualTo(Instant.parse("2031-12-31T23:59:59.988654Z"));
    }

    @Test
    void aMissingWorkflowIsEmptyAndRequireSaysNotFound() {
        assertThat(repository.find("wf-nope")).isEmpty();
        assertThatThrownBy(() -> repository.require("wf-nope"))
                .isInstanceOfSatisfying(BatonException.NotFound.class, e -> assertThat(e.code()).isEqualTo("workflow.not-found"));
    }

    @Test
    void aDuplicateWorkflowIdIsAConflictAndLeavesTheFirstIntact() {
        Workflow wf = Fixtures.workflow();
        repository.create(wf);
        Workflow again = Fixtures.workflow(wf.id(), "other", WorkflowStatus.READY, at(99));

        assertThatThrownBy(() -> repository.create(again))
                .isInstanceOfSatisfying(BatonException.Conflict.class, e -> {
                    assertThat(e.code()).isEqualTo("workflow.duplicate-id");
                    assertThat(e.getMessage()).contains(wf.id());
                });
        assertThat(repository.require(wf.id())).isEqualTo(wf);
    }

    @Test
    void taskAndWorkIdsOnlyNeedToBeUniqueInsideTheirWorkflow() {
        Workflow a = Fixtures.workflow();
        Workflow b = Fixtures.workflow();
        repository.create(a);
        repository.create(b);

        assertThat(Fixtures.task(repository.require(b.id()), "TASK-001").workflowId()).isEqualTo(b.id());
    }

    @Test
    void duplicateChildIdsInsideOneWorkflowAreInvalidAndNothingIsStored() {
        Workflow wf = Fixtures.workflow();
        Work first = wf.works().getFirst();
        Workflow twice = wf.withWorks(List.of(first, first.withSequence(5)));

        assertThatThrownBy(() -> repository.create(twice)).isInstanceOf(BatonException.Invalid.class);
        assertThat(repository.find(wf.id())).isEmpty();
    }

    @Test
    void aCreateThatFailsHalfWayStoresNothing() {
        Workflow wf = Fixtures.workflow();
        Work first = wf.works().getFirst();
        // A task without a status breaks a NOT NULL column after the workflow and work rows went in.
        Task broken = new Task("TASK-009", wf.id(), "wk-a", 5, "q", null, null, 0, null, null, null, null, 0);
        List<Task> tasks = new ArrayList<>(first.tasks());
        tasks.add(broken);
        Workflow bad = wf.withWorks(List.of(first.withTasks(tasks)));

        assertThatThrownBy(() -> repository.create(bad)).isInstanceOf(RuntimeException.class);

        assertThat(repository.find(wf.id())).isEmpty();
        JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM works WHERE workflow_id = ?", Integer.class, wf.id())).isZero();
        repository.create(wf); // the id is still free
        assertThat(repository.require(wf.id())).isEqualTo(wf);
    }

    // ---- optimistic saves ----

    @Test
    void savingAWorkflowWritesItsRowAndBumpsTheVersion() {
        Workflow wf = Fixtures.workflow();
        repository.create(wf);

        Workflow ready = repository.save(wf.moveTo(WorkflowStatus.READY, at(10)));
        Workflow running = repository.save(ready.moveTo(WorkflowStatus.RUNNING, at(20)));

        assertThat(ready.version()).isEqualTo(1);
        assertThat(running.version()).isEqualTo(2);
        Workflow found = repository.require(wf.id());
        assertThat(found.status()).isEqualTo(WorkflowStatus.RUNNING);
        assertThat(found.startedAt()).isEqualTo(at(20));
        assertThat(found.updatedAt()).isEqualTo(at(20));
        assertThat(found.version()).isEqualTo(2);
        assertThat(found.works()).isEqualTo(wf.works()); // the row only

        Workflow failed = repository.save(found.failed("agent crashed", at(30)));
        assertThat(repository.require(wf.id())).isEqualTo(failed);
    }

    @Test
    void aStaleWorkflowSaveIsAConflictNamingIdAndVersion() {
        Workflow wf = Fixtures.workflow();
        repository.create(wf);
        repository.save(wf.moveTo(WorkflowStatus.READY, at(1)));

        assertThatThrownBy(() -> repository.save(wf.moveTo(WorkflowStatus.CANCELLED, at(2))))
                .isInstanceOfSatisfying(BatonException.Conflict.class, e -> {
                    assertThat(e.code()).isEqualTo("workflow.stale-version");
                    assertThat(e.getMessage()).contains(wf.id()).contains("expected version 0").contains("version 1");
                });
        assertThat(repository.require(wf.id()).status()).isEqualTo(WorkflowStatus.READY);
    }

    @Test
    void savingAVanishedWorkflowIsNotFound() {
        Workflow wf = Fixtures.workflow();
        assertThatThrownBy(() -> repository.save(wf))
                .isInstanceOfSatisfying(BatonException.NotFound.class, e -> assertThat(e.code()).isEqualTo("workflow.not-found"));
    }

    @Test
    void savingAWorkWritesStatusSequenceAndTimings() {
        Workflow wf = Fixtures.workflow();
        repository.create(wf);
        Work build = wf.work("wk-b").orElseThrow();
        Work design = wf.work("wk-a").orElseThrow();

        // A reorder: the two works swap sequences, saved one by one.
        Work saved = repository.save(build.withSequence(0).started(at(40)));
        repository.save(design.withSequence(1));

        assertThat(saved.version()).isEqualTo(1);
        Workflow found = repository.require(wf.id());
        assertThat(found.works()).extracting(Work::id).containsExactly("wk-b", "wk-a");
        Work foundBuild = found.work("wk-b").orElseThrow();
        assertThat(foundBuild.status()).isEqualTo(WorkStatus.RUNNING);
        assertThat(foundBuild.startedAt()).isEqualTo(at(40));
        assertThat(foundBuild.version()).isEqualTo(1);
        assertThat(foundBuild.tasks()).isEqualTo(build.tasks());
    }

    @Test
    void aStaleOrVanishedWorkSaveFails() {
        Workflow wf = Fixtures.workflow();
        repository.create(wf);
        Work build = wf.work("wk-b").orElseThrow();
        repository.save(build.started(at(1)));

        assertThatThrownBy(() -> repository.save(build.moveTo(WorkStatus.CANCELLED)))
                .isInstanceOfSatisfying(BatonException.Conflict.class, e -> {
                    assertThat(e.code()).isEqualTo("work.stale-version");
                    assertThat(e.getMessage()).contains("wk-b").contains(wf.id()).contains("expected version 0");
                });
        Work ghost = new Work("wk-ghost", wf.id(), 9, "g", "claude", null, List.of(), WorkStatus.PENDING, List.of(), 0, null, null, null);
        assertThatThrownBy(() -> repository.save(ghost))
                .isInstanceOfSatisfying(BatonException.NotFound.class, e -> assertThat(e.code()).isEqualTo("work.not-found"));
    }

    @Test
    void savingATaskWritesTheRow() {
        Workflow wf = Fixtures.workflow();
        repository.create(wf);
        Task task = Fixtures.task(wf, "TASK-003");

        Task started = repository.save(task.started(at(50)));
        Task done = repository.save(started.finished(TaskStatus.COMPLETED, at(51), 0, null));

        assertThat(started.version()).isEqualTo(1);
        assertThat(done.version()).isEqualTo(2);
        assertThat(Fixtures.task(repository.require(wf.id()), "TASK-003")).isEqualTo(done);
        assertThat(done.attempts()).isEqualTo(1);
    }

    @Test
    void aTaskCanMoveToAnotherWorkOfItsWorkflowButNotToAMissingOne() {
        Workflow wf = Fixtures.workflow();
        repository.create(wf);
        Task task = Fixtures.task(wf, "TASK-003");

        Task moved = repository.save(task.withWorkId("wk-a"));

        assertThat(repository.require(wf.id()).work("wk-a").orElseThrow().tasks()).contains(moved);
        assertThatThrownBy(() -> repository.save(moved.withWorkId("wk-missing")))
                .isInstanceOfSatisfying(BatonException.NotFound.class, e -> assertThat(e.code()).isEqualTo("work.not-found"));
    }

    @Test
    void aStaleOrVanishedTaskSaveFails() {
        Workflow wf = Fixtures.workflow();
        repository.create(wf);
        Task task = Fixtures.task(wf, "TASK-003");
        repository.save(task.started(at(1)));

        assertThatThrownBy(() -> repository.save(task.started(at(2))))
                .isInstanceOfSatisfying(BatonException.Conflict.class, e -> {
                    assertThat(e.code()).isEqualTo("task.stale-version");
                    assertThat(e.getMessage()).contains("TASK-003").contains("expected version 0");
                });
        assertThatThrownBy(() -> repository.save(Task.pending("TASK-404", wf.id(), "wk-a", 9, "q", null)))
                .isInstanceOfSatisfying(BatonException.NotFound.class, e -> assertThat(e.code()).isEqualTo("task.not-found"));
    }

    // ---- concurrency ----

    @Test
    void concurrentSavesOfOneVersionHaveExactlyOneWinner() throws Exception {
        Workflow wf = Fixtures.workflow();
        repository.create(wf);
        Task task = Fixtures.task(wf, "TASK-003");
        Work work = wf.work("wk-b").orElseThrow();

        for (long version = 0; version < 3; version++) {
            Task current = task.withVersion(version);
            assertThat(race(16, i -> repository.save(current.withWorkId("wk-b").finished(TaskStatus.CANCELLED, at(i), i, "thread " + i))))
                    .as("task winners at version %d", version).isEqualTo(1);
            Work currentWork = work.withVersion(version);
            assertThat(race(16, i -> repository.save(currentWork.withSequence(i)))).as("work winners").isEqualTo(1);
            Workflow currentWf = wf.withVersion(version);
            assertThat(race(16, i -> repository.save(currentWf.moveTo(WorkflowStatus.CANCELLED, at(i))))).as("workflow winners").isEqualTo(1);
        }
        Workflow found = repository.require(wf.id());
        assertThat(found.version()).isEqualTo(3);
        assertThat(found.work("wk-b").orElseThrow().version()).isEqualTo(3);
        assertThat(Fixtures.task(found, "TASK-003").version()).isEqualTo(3);
    }

    @Test
    void manyThreadsWritingAtOnceAllSucceed() throws Exception {
        int threads = 50;
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        Concurrently.run(threads, i -> {
            try {
                Workflow wf = Fixtures.workflow("load " + i, at(i));
                repository.create(wf);
                Task t = repository.save(Fixtures.task(wf, "TASK-003").started(at(i)));
                repository.save(t.finished(TaskStatus.COMPLETED, at(i + 1), 0, null));
                events.append(new QuerySent(wf.id(), wf.correlationId(), at(i), "wk-b", "TASK-003", 8));
                repository.addReport(Fixtures.report(wf.id(), "TASK-003", at(i)));
            } catch (Throwable e) {
                failures.add(e);
            }
        });
        assertThat(failures).isEmpty();
        assertThat(repository.list(WorkflowQuery.all())).hasSize(threads);
    }

    /** Runs {@code save} on n threads released together; returns how many succeeded (the rest must be Conflicts). */
    private static int race(int n, IntFunction<Object> save) throws Exception {
        AtomicInteger wins = new AtomicInteger();
        List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
        Concurrently.run(n, i -> {
            try {
                save.apply(i);
                wins.incrementAndGet();
            } catch (BatonException.Conflict expected) {
                // lost the race
            } catch (Throwable e) {
                unexpected.add(e);
            }
        });
        assertThat(unexpected).isEmpty();
        return wins.get();
    }

    // ---- list ----

    @Test
    void listFiltersByStatusAndNameAndPagesNewestFirst() {
        Workflow a = Fixtures.workflow(Ids.next("wf"), "Alpha release", WorkflowStatus.CREATED, at(1));
        Workflow b = Fixtures.workflow(Ids.next("wf"), "beta 100%_done", WorkflowStatus.RUNNING, at(2));
        Workflow c = Fixtures.workflow(Ids.next("wf"), "ALPHA hotfix", WorkflowStatus.COMPLETED, at(3));
        Workflow d = Fixtures.workflow("wf-tie-b", "gamma", WorkflowStatus.RUNNING, at(4));
        Workflow e = Fixtures.workflow("wf-tie-a", "delta", WorkflowStatus.FAILED, at(4));
        for (Workflow wf : List.of(a, b, c, d, e)) repository.create(wf);

        // d and e share created_at: the tie breaks on id, descending
        assertThat(ids(WorkflowQuery.all())).containsExactly(d.id(), e.id(), c.id(), b.id(), a.id());
        assertThat(ids(new WorkflowQuery(Set.of(WorkflowStatus.RUNNING), null, 10, 0))).containsExactly(d.id(), b.id());
        assertThat(ids(new WorkflowQuery(Set.of(WorkflowStatus.RUNNING, WorkflowStatus.CREATED), null, 10, 0)))
                .containsExactly(d.id(), b.id(), a.id());
        assertThat(ids(new WorkflowQuery(Set.of(), "alpha", 10, 0))).containsExactly(c.id(), a.id());
        assertThat(ids(new WorkflowQuery(Set.of(), "0%_", 10, 0))).containsExactly(b.id());
        assertThat(ids(new WorkflowQuery(Set.of(), "%", 10, 0))).containsExactly(b.id());
        assertThat(ids(new WorkflowQuery(Set.of(WorkflowStatus.COMPLETED), "alpha", 10, 0))).containsExactly(c.id());
        assertThat(ids(new WorkflowQuery(Set.of(), null, 2, 0))).hasSize(2);
        List<String> all = ids(WorkflowQuery.all());
        assertThat(ids(new WorkflowQuery(Set.of(), null, 2, 2))).containsExactlyElementsOf(all.subList(2, 4));
        assertThat(ids(new WorkflowQuery(Set.of(), null, 2, 4))).containsExactlyElementsOf(all.subList(4, 5));
        assertThat(ids(new WorkflowQuery(Set.of(), null, 2, 10))).isEmpty();
    }

    @Test
    void listLoadsWholeAggregates() {
        Workflow a = Fixtures.workflow("one", at(1));
        Workflow b = Fixtures.workflow("two", at(2));
        repository.create(a);
        repository.create(b);

        assertThat(repository.list(WorkflowQuery.all())).containsExactly(b, a);
    }

    @Test
    void listRejectsAnOutOfRangeLimit() {
        assertThatThrownBy(() -> repository.list(new WorkflowQuery(Set.of(), null, 0, 0))).isInstanceOf(BatonException.Invalid.class);
        assertThatThrownBy(() -> repository.list(new WorkflowQuery(Set.of(), null, 1001, 0))).isInstanceOf(BatonException.Invalid.class);
        assertThatThrownBy(() -> repository.list(new WorkflowQuery(Set.of(), null, 10, -1))).isInstanceOf(BatonException.Invalid.class);
    }

    private List<String> ids(WorkflowQuery query) {
        return repository.list(query).stream().map(Workflow::id).toList();
    }

    // ---- delete ----

    @Test
    void deleteRemovesEverythingOfThatWorkflowOnly() {
        Workflow gone = Fixtures.workflow();
        Workflow kept = Fixtures.workflow();
        for (Workflow wf : List.of(gone, kept)) {
            repository.create(wf);
            repository.addCheckpoint(Fixtures.checkpoint(wf.id(), "wk-a", 0, at(1)));
            repository.addReport(Fixtures.report(wf.id(), "TASK-001", at(1)));
            events.append(new WorkflowStarted(wf.id(), wf.correlationId(), at(1), 0));
        }

        repository.delete(gone.id());

        assertThat(repository.find(gone.id())).isEmpty();
        assertThat(repository.checkpoints(gone.id())).isEmpty();
        assertThat(repository.reports(gone.id())).isEmpty();
        assertThat(events.read(gone.id(), 0, 100)).isEmpty();
        JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM works WHERE workflow_id = ?", Integer.class, gone.id())).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM tasks WHERE workflow_id = ?", Integer.class, gone.id())).isZero();

        assertThat(repository.require(kept.id())).isEqualTo(kept);
        assertThat(repository.checkpoints(kept.id())).hasSize(1);
        assertThat(repository.reports(kept.id())).hasSize(1);
        assertThat(events.read(kept.id(), 0, 100)).hasSize(1);

        repository.delete(gone.id()); // deleting again is harmless
    }

    // ---- checkpoints and reports ----

    @Test
    void checkpointsAreListedOldestFirstAndInvalidatedOnce() {
        Workflow wf = Fixtures.workflow();
        repository.create(wf);
        Checkpoint second = repository.addCheckpoint(Fixtures.checkpoint(wf.id(), "wk-b", 1, at(20)));
        Checkpoint first = repository.addCheckpoint(Fixtures.checkpoint(wf.id(), "wk-a", 0, at(10)));
        Checkpoint third = repository.addCheckpoint(Fixtures.checkpoint(wf.id(), "wk-b", 1, at(30)));

        assertThat(repository.checkpoints(wf.id())).containsExactly(first, second, third);

        repository.invalidateCheckpoints(wf.id(), List.of(second.id(), third.id()), at(100));
        repository.invalidateCheckpoints(wf.id(), List.of(third.id()), at(200)); // already invalid: keeps at(100)
        repository.invalidateCheckpoints(wf.id(), List.of(), at(300));

        List<Checkpoint> stored = repository.checkpoints(wf.id());
        assertThat(stored).extracting(Checkpoint::valid).containsExactly(true, false, false);
        assertThat(stored).extracting(Checkpoint::invalidatedAt).containsExactly(null, at(100), at(100));
    }

    @Test
    void onlyCheckpointsInvalidatedBeforeTheCutoffAreDeleted() {
        Workflow wf = Fixtures.workflow();
        repository.create(wf);
        Checkpoint old = repository.addCheckpoint(Fixtures.checkpoint(wf.id(), "wk-a", 0, at(1)));
        Checkpoint recent = repository.addCheckpoint(Fixtures.checkpoint(wf.id(), "wk-a", 0, at(2)));
        Checkpoint valid = repository.addCheckpoint(Fixtures.checkpoint(wf.id(), "wk-b", 1, at(3)));
        repository.invalidateCheckpoints(wf.id(), List.of(old.id()), at(10));
        repository.invalidateCheckpoints(wf.id(), List.of(recent.id()), at(20));

        assertThat(repository.deleteInvalidCheckpoints(at(15))).isEqualTo(1);
        assertThat(repository.checkpoints(wf.id())).extracting(Checkpoint::id).containsExactly(recent.id(), valid.id());
        assertThat(repository.deleteInvalidCheckpoints(at(1000))).isEqualTo(1);
        assertThat(repository.checkpoints(wf.id())).containsExactly(valid);
    }

    @Test
    void invalidCheckpointsAreCountedPerWorkflowAndDeletedPerWorkflowWhateverTheirAge() {
        Workflow many = Fixtures.workflow();
        Workflow few = Fixtures.workflow();
        repository.create(many);
        repository.create(few);
        List<String> manyIds = new ArrayList<>();
        for (int i = 0; i < 3; i++) manyIds.add(repository.addCheckpoint(Fixtures.checkpoint(many.id(), "wk-a", 0, at(i))).id());
        Checkpoint valid = repository.addCheckpoint(Fixtures.checkpoint(many.id(), "wk-b", 1, at(5)));
        Checkpoint other = repository.addCheckpoint(Fixtures.checkpoint(few.id(), "wk-a", 0, at(1)));
        repository.invalidateCheckpoints(many.id(), manyIds, at(1000));
        repository.invalidateCheckpoints(few.id(), List.of(other.id()), at(10));

        assertThat(repository.invalidCheckpointCountsOver(2)).isEqualTo(Map.of(many.id(), 3));
        assertThat(repository.invalidCheckpointCountsOver(0)).isEqualTo(Map.of(many.id(), 3, few.id(), 1));
        assertThat(repository.invalidCheckpointCountsOver(3)).isEmpty();

        assertThat(repository.deleteInvalidCheckpoints(many.id())).isEqualTo(3);
        assertThat(repository.checkpoints(many.id())).containsExactly(valid);
        assertThat(repository.checkpoints(few.id())).extracting(Checkpoint::id).containsExactly(other.id());
        assertThat(repository.deleteInvalidCheckpoints(many.id())).isZero();
    }

    @Test
    void checkpointsAndReportsNeedAnExistingWorkflowAndAUniqueId() {
        Workflow wf = Fixtures.workflow();
        repository.create(wf);
        Checkpoint cp = repository.addCheckpoint(Fixtures.checkpoint(wf.id(), "wk-a", 0, at(1)));
        Report rp = repository.addReport(Fixtures.report(wf.id(), "TASK-001", at(1)));

        assertThatThrownBy(() -> repository.addCheckpoint(Fixtures.checkpoint("wf-missing", "wk-a", 0, at(1))))
                .isInstanceOfSatisfying(BatonException.NotFound.class, e -> assertThat(e.code()).isEqualTo("workflow.not-found"));
        assertThatThrownBy(() -> repository.addReport(Fixtures.report("wf-missing", "TASK-001", at(1))))
                .isInstanceOfSatisfying(BatonException.NotFound.class, e -> assertThat(e.code()).isEqualTo("workflow.not-found"));
        assertThatThrownBy(() -> repository.addCheckpoint(cp))
                .isInstanceOfSatisfying(BatonException.Conflict.class, e -> assertThat(e.code()).isEqualTo("checkpoint.duplicate-id"));
        assertThatThrownBy(() -> repository.addReport(rp))
                .isInstanceOfSatisfying(BatonException.Conflict.class, e -> assertThat(e.code()).isEqualTo("report.duplicate-id"));
    }

    @Test
    void reportsAreListedOldestFirst() {
        Workflow wf = Fixtures.workflow();
        Workflow other = Fixtures.workflow();
        repository.create(wf);
        repository.create(other);
        Report later = repository.addReport(Fixtures.report(wf.id(), "TASK-002", at(2)));
        Report earlier = repository.addReport(Fixtures.report(wf.id(), "TASK-001", at(1)));
        Report withNulls = repository.addReport(new Report(Ids.next("rp"), wf.id(), null, null, "reports/summary.md", at(3)));
        repository.addReport(Fixtures.report(other.id(), "TASK-001", at(1)));

        assertThat(repository.reports(wf.id())).containsExactly(earlier, later, withNulls);
        assertThat(repository.reports("wf-none")).isEmpty();
    }

    // ---- event log ----

    @Test
    void appendedEventsAreReadBackInOrderAfterASequence() {
        String wf = Ids.next("wf");
        String other = Ids.next("wf");
        List<Long> sequences = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sequences.add(events.append(new QuerySent(wf, "corr", at(i), "wk-a", "TASK-00" + i, i)));
            events.append(new QuerySent(other, "corr-other", at(i), "wk-a", "TASK-00" + i, i));
        }

        assertThat(sequences).isSorted().doesNotHaveDuplicates();
        List<StoredEvent> all = events.read(wf, 0, 100);
        assertThat(all).extracting(StoredEvent::sequence).containsExactlyElementsOf(sequences);
        assertThat(all).allSatisfy(e -> {
            assertThat(e.workflowId()).isEqualTo(wf);
            assertThat(e.type()).isEqualTo("QuerySent");
            assertThat(e.correlationId()).isEqualTo("corr");
        });
        assertThat(all).extracting(StoredEvent::occurredAt).containsExactly(at(0), at(1), at(2), at(3), at(4));
        assertThat(events.read(wf, sequences.get(2), 100)).extracting(StoredEvent::sequence).containsExactlyElementsOf(sequences.subList(3, 5));
        assertThat(events.read(wf, sequences.get(0), 2)).extracting(StoredEvent::sequence).containsExactlyElementsOf(sequences.subList(1, 3));
        assertThat(events.read(wf, sequences.get(4), 100)).isEmpty();
        assertThatThrownBy(() -> events.read(wf, 0, 0)).isInstanceOf(BatonException.Invalid.class);
    }

    @Test
    void theEventPayloadIsTheRecordAsJsonWithIsoInstants() {
        Instant nanos = Instant.parse("2025-01-02T03:04:05.123456789Z");
        events.append(new WorkflowFailed("wf-json", "corr-json", nanos, "boom \"quoted\""));

        StoredEvent stored = events.read("wf-json", 0, 10).getFirst();
        JsonNode json = StoreJson.MAPPER.readTree(stored.payload());

        assertThat(json.propertyNames()).containsExactlyInAnyOrder("workflowId", "correlationId", "occurredAt", "error");
        assertThat(json.get("workflowId").asString()).isEqualTo("wf-json");
        assertThat(json.get("correlationId").asString()).isEqualTo("corr-json");
        assertThat(json.get("occurredAt").isString()).isTrue();
        assertThat(json.get("occurredAt").asString()).isEqualTo("2025-01-02T03:04:05.123456789Z");
        assertThat(json.get("error").asString()).isEqualTo("boom \"quoted\"");
        assertThat(stored.occurredAt()).isEqualTo(Instant.parse("2025-01-02T03:04:05.123456Z"));
    }

    @Test
    void everyEventTypeSurvivesTheLog() {
        String wf = Ids.next("wf");
        Instant t = Instant.parse("2025-06-07T08:09:10.111222333Z");
        List<WorkflowEvent> all = List.of(
                new WorkflowCreated(wf, "c", t, "name", 2, 3), new WorkflowStarted(wf, "c", t, 1),
                new WorkflowPaused(wf, "c", t, "user"), new WorkflowResumed(wf, "c", t, 1), new WorkflowCancelled(wf, "c", t),
                new WorkflowCompleted(wf, "c", t, 1234L), new WorkflowFailed(wf, "c", t, "e"), new WorkflowDeleted(wf, "c", t),
                new WorkStarted(wf, "c", t, "wk", 0), new WorkCompleted(wf, "c", t, "wk", 0, 5L), new WorkFailed(wf, "c", t, "wk", 0, "e"),
                new QuerySent(wf, "c", t, "wk", "tk", 10), new QueryResponded(wf, "c", t, "wk", "tk", 0, 7L),
                new TaskFailed(wf, "c", t, "wk", "tk", "e"), new ReportGenerated(wf, "c", t, "wk", "tk", "rp", "reports/a.md"),
                new CheckpointCreated(wf, "c", t, "wk", 0, Map.of("api", "abc", "web", "def")),
                new CheckpointsInvalidated(wf, "c", t, List.of("cp-1", "cp-2")), new WorksReordered(wf, "c", t, List.of("wk-b", "wk-a")),
                new TaskUpdatedFromSpec(wf, "c", t, "tk", "status", "pending", "in-progress"),
                new DiffSubmissionHandled(wf, "c", t, "tk", "tk.diff", "failed", null, "does not apply"));
        List<Class<?>> types = all.stream().<Class<?>>map(Object::getClass).toList();
        assertThat(types).as("one of each event type").containsExactlyInAnyOrder(WorkflowEvent.class.getPermittedSubclasses());
        for (WorkflowEvent e : all) events.append(e);

        List<WorkflowEvent> decoded = events.read(wf, 0, 100).stream().map(codec::decode).toList();

        assertThat(decoded).containsExactlyElementsOf(all);
    }

}
