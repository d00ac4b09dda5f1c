package dev.baton.store;

import dev.baton.shared.BatonException;
import dev.baton.workflow.Task;
import dev.baton.workflow.Work;
import dev.baton.workflow.Workflow;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.PreparedStatementSetter;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** Writes the workflow aggregate's rows: create in one transaction, optimistic single-row saves, delete. */
final class AggregateWriter {
    private static final String INSERT_WORKFLOW = """
            INSERT INTO workflows (id, name, status, correlation_id, repositories, spec_path, version,
                                   created_at, updated_at, started_at, finished_at, error)
            VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)""";
    private static final String INSERT_WORK = """
            INSERT INTO works (workflow_id, id, sequence, name, agent, model, mcp_servers, status, version,
                               started_at, finished_at, error)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)""";
    private static final String INSERT_TASK = """
            INSERT INTO tasks (workflow_id, id, work_id, ord, query, assigned_to, status, attempts,
                               started_at, finished_at, exit_code, error, version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)""";
    // Optimistic writes: the WHERE on version makes a stale save touch no row.
    private static final String UPDATE_WORKFLOW = """
            UPDATE workflows SET name = ?, status = ?, correlation_id = ?, repositories = ?, spec_path = ?,
                   updated_at = ?, started_at = ?, finished_at = ?, error = ?, version = version + 1
            WHERE id = ? AND version = ?""";
    private static final String UPDATE_WORK = """
            UPDATE works SET sequence = ?, name = ?, agent = ?, model = ?, mcp_servers = ?, status = ?,
                   started_at = ?, finished_at = ?, error = ?, version = version + 1
            WHERE workflow_id = ? AND id = ? AND version = ?""";
    private static final String UPDATE_TASK = """
            UPDATE tasks SET work_id = ?, ord = ?, query = ?, assigned_to = ?, status = ?, attempts = ?,
                   started_at = ?, finished_at = ?, exit_code = ?, error = ?, version = version + 1
            WHERE workflow_id = ? AND id = ? AND version = ?""";

    private final StoreJdbc jdbc;
    private final Dialect dialect;

    AggregateWriter(StoreJdbc jdbc) {
        this.jdbc = jdbc;
        this.dialect = jdbc.dialect;
    }

    void create(Workflow wf) {
        requireUniqueChildIds(wf);
        List<Work> works = wf.works();
        List<Task> tasks = works.stream().flatMap(w -> w.tasks().stream().map(t -> t.withWorkId(w.id()))).toList();
        try {
            jdbc.inWriteTransaction(() -> {
                jdbc.writer.update(INSERT_WORKFLOW, ps -> new Params(ps, dialect)
                        .text(wf.id()).text(wf.name()).name(wf.status()).text(wf.correlationId())
                        .text(StoreJson.repositories(wf.repositories())).text(wf.specPath())
                        .instant(wf.createdAt()).instant(wf.updatedAt()).instant(wf.startedAt()).instant(wf.finishedAt())
                        .text(wf.error()));
                if (!works.isEmpty()) jdbc.writer.batchUpdate(INSERT_WORK, batch(works, (p, w) -> p
                        .text(wf.id()).text(w.id()).integer(w.sequence()).text(w.name()).text(w.agent()).text(w.model())
                        .text(StoreJson.mcpRefs(w.mcpServers())).name(w.status())
                        .instant(w.startedAt()).instant(w.finishedAt()).text(w.error())));
                if (!tasks.isEmpty()) jdbc.writer.batchUpdate(INSERT_TASK, batch(tasks, (p, t) -> p
                        .text(wf.id()).text(t.id()).text(t.workId()).integer(t.order()).text(t.query()).text(t.assignedTo())
                        .name(t.status()).integer(t.attempts()).instant(t.startedAt()).instant(t.finishedAt())
                        .nullableInteger(t.exitCode()).text(t.error())));
            });
        } catch (RuntimeException e) {
            // Child ids were checked above, so a duplicate key here is the workflow id.
            throw jdbc.translate(e, () -> new BatonException.Conflict("workflow.duplicate-id",
                    "a workflow with id '" + wf.id() + "' already exists"), null);
        }
    }

    Workflow save(Workflow wf) {
        int rows = update(UPDATE_WORKFLOW, ps -> new Params(ps, dialect)
                .text(wf.name()).name(wf.status()).text(wf.correlationId()).text(StoreJson.repositories(wf.repositories()))
                .text(wf.specPath()).instant(wf.updatedAt()).instant(wf.startedAt()).instant(wf.finishedAt()).text(wf.error())
                .text(wf.id()).bigint(wf.version()), null);
        if (rows == 0) throw staleOrMissing("workflow", "'" + wf.id() + "'", wf.version(),
                "SELECT version FROM workflows WHERE id = ?", wf.id());
        return wf.withVersion(wf.version() + 1);
    }

    Work save(Work w) {
        int rows = update(UPDATE_WORK, ps -> new Params(ps, dialect)
                .integer(w.sequence()).text(w.name()).text(w.agent()).text(w.model()).text(StoreJson.mcpRefs(w.mcpServers()))
                .name(w.status()).instant(w.startedAt()).instant(w.finishedAt()).text(w.error())
                .text(w.workflowId()).text(w.id()).bigint(w.version()), null);
        if (rows == 0) throw staleOrMissing("work", "'" + w.id() + "' of workflow '" + w.workflowId() + "'", w.version(),
                "SELECT version FROM works WHERE workflow_id = ? AND id = ?", w.workflowId(), w.id());
        return w.withVersion(w.version() + 1);
    }

    Task save(Task t) {
        int rows = update(UPDATE_TASK, ps -> new Params(ps, dialect)
                .text(t.workId()).integer(t.order()).text(t.query()).text(t.assignedTo()).name(t.status()).integer(t.attempts())
                .instant(t.startedAt()).instant(t.finishedAt()).nullableInteger(t.exitCode()).text(t.error())
                .text(t.workflowId()).text(t.id()).bigint(t.version()),
                // The only parent a task update can miss is the work it is moved to.
                () -> new BatonException.NotFound("work.not-found",
                        "no work '" + t.workId() + "' in workflow '" + t.workflowId() + "' for task '" + t.id() + "'"));
        if (rows == 0) throw staleOrMissing("task", "'" + t.id() + "' of workflow '" + t.workflowId() + "'", t.version(),
                "SELECT version FROM tasks WHERE workflow_id = ? AND id = ?", t.workflowId(), t.id());
        return t.withVersion(t.version() + 1);
    }

    void delete(String workflowId) {
        try {
            jdbc.inWriteTransaction(() -> {
                // Events have no foreign key (they are an append-only log), so they go explicitly;
                // works, tasks, checkpoints and reports follow the workflow row by ON DELETE CASCADE.
                jdbc.writer.update("DELETE FROM events WHERE workflow_id = ?", ps -> ps.setString(1, workflowId));
                jdbc.writer.update("DELETE FROM workflows WHERE id = ?", ps -> ps.setString(1, workflowId));
            });
        } catch (RuntimeException e) {
            throw jdbc.translate(e);
        }
    }

    private int update(String sql, PreparedStatementSetter setter,
                       Supplier<BatonException> onMissingParent) {
        try {
            return jdbc.writer.update(sql, setter);
        } catch (RuntimeException e) {
            throw jdbc.translate(e, null, onMissingParent);
        }
    }

    /** Only called after a save touched no row: tells a stale version from a vanished row. */
    private BatonException staleOrMissing(String kind, String what, long expected, String versionQuery, String... key) {
        List<Long> found;
        try {
            found = jdbc.writer.query(versionQuery, ps -> {
                for (int i = 0; i < key.length; i++) ps.setString(i + 1, key[i]);
            }, (rs, n) -> rs.getLong(1));
        } catch (RuntimeException e) {
            throw jdbc.translate(e);
        }
        if (found.isEmpty()) return new BatonException.NotFound(kind + ".not-found", "no " + kind + " " + what);
        return new BatonException.Conflict(kind + ".stale-version", kind + " " + what + " was changed by someone else: expected version "
                + expected + " but it is now at version " + found.getFirst() + "; reload it and try again");
    }

    private static void requireUniqueChildIds(Workflow wf) {
        Set<String> works = new HashSet<>();
        Set<String> tasks = new HashSet<>();
        for (Work w : wf.works()) {
            if (!works.add(w.id())) throw new BatonException.Invalid("workflow.duplicate-work-id",
                    "workflow '" + wf.id() + "' has two works with id '" + w.id() + "'");
            for (Task t : w.tasks()) {
                if (!tasks.add(t.id())) throw new BatonException.Invalid("workflow.duplicate-task-id",
                        "workflow '" + wf.id() + "' has two tasks with id '" + t.id() + "'");
            }
        }
    }

    @FunctionalInterface
    private interface RowBinder<T> {
        void bind(Params params, T row) throws SQLException;
    }

    private <T> BatchPreparedStatementSetter batch(List<T> rows, RowBinder<T> binder) {
        return new BatchPreparedStatementSetter() {
            @Override
            public void setValues(PreparedStatement ps, int i) throws SQLException {
                binder.bind(new Params(ps, dialect), rows.get(i));
            }

            @Override
            public int getBatchSize() {
                return rows.size();
            }
        };
    }
}
