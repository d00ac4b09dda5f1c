package dev.baton.store;

import dev.baton.workflow.Task;
import dev.baton.workflow.TaskStatus;
import dev.baton.workflow.Workflow;
import dev.baton.workflow.WorkflowEvent.QuerySent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static dev.baton.store.Fixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

class SqliteWorkflowRepositoryTest extends WorkflowRepositoryContractTest {
    @TempDir
    static Path dataDir;

    @Override
    protected DatabaseUrl databaseUrl() {
        return DatabaseUrl.parse(null, dataDir.resolve("nested/data"));
    }

    @Test
    void theDefaultUrlCreatesTheDataFolderAndTheDatabaseFile() {
        assertThat(database.dialect()).isEqualTo(Dialect.SQLITE);
        assertThat(dataDir.resolve("nested/data/baton.db")).isRegularFile();
    }

    @Test
    void everyConnectionRunsInWalWithBusyTimeoutAndForeignKeys() throws Exception {
        // Check several connections at once so that more than one pooled connection is inspected.
        List<Connection> held = new ArrayList<>();
        try {
            held.add(database.dataSource().getConnection());
            StoreJdbc jdbc = database.jdbc();
            for (int i = 0; i < 3; i++) held.add(jdbc.reader.getDataSource().getConnection());
            for (Connection c : held) {
                assertThat(pragma(c, "journal_mode")).isEqualToIgnoringCase("wal");
                assertThat(pragma(c, "busy_timeout")).isEqualTo("10000");
                assertThat(pragma(c, "foreign_keys")).isEqualTo("1");
                assertThat(pragma(c, "synchronous")).isEqualTo("1"); // NORMAL
            }
        } finally {
            for (Connection c : held) c.close();
        }
    }

    private static String pragma(Connection c, String name) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void twentyThreadsSavingAtOnceNeverSeeSqliteBusy() throws Exception {
        // A second Database on the same file stands in for another process (the CLI next to the server):
        // its writer competes for the file lock through busy_timeout rather than through the pool.
        try (Database other = Database.open(DatabaseUrl.sqlite(dataDir.resolve("nested/data/baton.db")), PoolSettings.defaults())) {
            JdbcWorkflowRepository otherRepository = new JdbcWorkflowRepository(other);
            JdbcEventLog otherEvents = new JdbcEventLog(other);
            int threads = 20;
            List<Workflow> workflows = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Workflow wf = Fixtures.workflow("busy " + i, at(i));
                repository.create(wf);
                workflows.add(wf);
            }
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            Concurrently.run(threads, i -> {
                JdbcWorkflowRepository repo = i % 2 == 0 ? repository : otherRepository;
                JdbcEventLog log = i % 2 == 0 ? events : otherEvents;
                Workflow wf = workflows.get(i);
                try {
                    Task task = Fixtures.task(wf, "TASK-003");
                    for (int round = 0; round < 25; round++) {
                        task = repo.save(task.started(at(round)));
                        log.append(new QuerySent(wf.id(), wf.correlationId(), at(round), "wk-b", task.id(), round));
                        task = repo.save(task.finished(TaskStatus.FAILED, at(round + 1), 1, "again"));
                        task = repo.save(task.reset());
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            assertThat(failures).isEmpty();
            for (Workflow wf : workflows) {
                assertThat(Fixtures.task(repository.require(wf.id()), "TASK-003").version()).isEqualTo(75);
                assertThat(events.read(wf.id(), 0, 1000)).hasSize(25);
            }
        }
    }


    @Test
    void migrationsAreAppliedOnceAndReopeningKeepsTheData() {
        Path file = dataDir.resolve("reopen.db");
        Workflow wf = Fixtures.workflow();
        try (Database first = Database.open(DatabaseUrl.sqlite(file), PoolSettings.defaults())) {
            new JdbcWorkflowRepository(first).create(wf);
        }
        try (Database second = Database.open(DatabaseUrl.parse("file:" + file, dataDir), PoolSettings.defaults())) {
            assertThat(new JdbcWorkflowRepository(second).require(wf.id())).isEqualTo(wf);
            Integer applied = new JdbcTemplate(second.dataSource()).queryForObject(
                    "SELECT COUNT(*) FROM flyway_schema_history WHERE success = 1", Integer.class);
            assertThat(applied).isEqualTo(1);
        }
        assertThat(Files.exists(file)).isTrue();
    }
}
