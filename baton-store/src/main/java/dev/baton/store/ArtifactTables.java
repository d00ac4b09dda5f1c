package dev.baton.store;

import dev.baton.shared.BatonException;
import dev.baton.workflow.Checkpoint;
import dev.baton.workflow.Report;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.RowMapper;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The checkpoints and reports a run leaves behind; both hang off the workflow row (ON DELETE CASCADE). */
final class ArtifactTables {
    private static final String INSERT_CHECKPOINT = """
            INSERT INTO checkpoints (id, workflow_id, work_id, work_sequence, repository, commit_sha, valid, created_at, invalidated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    private static final String SELECT_CHECKPOINTS = """
            SELECT id, workflow_id, work_id, work_sequence, repository, commit_sha, valid, created_at, invalidated_at
            FROM checkpoints WHERE workflow_id = ? ORDER BY created_at, id""";
    private static final String DELETE_INVALID_CHECKPOINTS = "DELETE FROM checkpoints WHERE valid = ? AND invalidated_at < ?";
    private static final String DELETE_INVALID_CHECKPOINTS_OF = "DELETE FROM checkpoints WHERE workflow_id = ? AND valid = ?";
    private static final String COUNT_INVALID_CHECKPOINTS =
            "SELECT workflow_id, COUNT(*) AS n FROM checkpoints WHERE valid = ? GROUP BY workflow_id HAVING COUNT(*) > ?";
    private static final String INSERT_REPORT = """
            INSERT INTO reports (id, workflow_id, work_id, task_id, path, created_at) VALUES (?, ?, ?, ?, ?, ?)""";
    private static final String SELECT_REPORTS = """
            SELECT id, workflow_id, work_id, task_id, path, created_at FROM reports WHERE workflow_id = ? ORDER BY created_at, id""";

    private final StoreJdbc jdbc;
    private final Dialect dialect;
    private final RowMapper<Checkpoint> checkpointRow;
    private final RowMapper<Report> reportRow;

    ArtifactTables(StoreJdbc jdbc) {
        this.jdbc = jdbc;
        this.dialect = jdbc.dialect;
        this.checkpointRow = (rs, n) -> new Checkpoint(rs.getString("id"), rs.getString("workflow_id"), rs.getString("work_id"),
                rs.getInt("work_sequence"), rs.getString("repository"), rs.getString("commit_sha"), rs.getBoolean("valid"),
                dialect.getInstant(rs, "created_at"), dialect.getInstant(rs, "invalidated_at"));
        this.reportRow = (rs, n) -> new Report(rs.getString("id"), rs.getString("workflow_id"), rs.getString("work_id"),
                rs.getString("task_id"), rs.getString("path"), dialect.getInstant(rs, "created_at"));
    }

    /** @return the checkpoint as stored (instants at microsecond precision) */
    Checkpoint addCheckpoint(Checkpoint c) {
        try {
            jdbc.writer.update(INSERT_CHECKPOINT, ps -> new Params(ps, dialect)
                    .text(c.id()).text(c.workflowId()).text(c.workId()).integer(c.workSequence()).text(c.repository())
                    .text(c.commitSha()).bool(c.valid()).instant(c.createdAt()).instant(c.invalidatedAt()));
        } catch (RuntimeException e) {
            throw jdbc.translate(e,
                    () -> new BatonException.Conflict("checkpoint.duplicate-id", "a checkpoint with id '" + c.id() + "' already exists"),
                    () -> workflowNotFound(c.workflowId()));
        }
        return new Checkpoint(c.id(), c.workflowId(), c.workId(), c.workSequence(), c.repository(), c.commitSha(), c.valid(),
                micros(c.createdAt()), micros(c.invalidatedAt()));
    }

    List<Checkpoint> checkpoints(String workflowId) {
        try {
            return jdbc.reader.query(SELECT_CHECKPOINTS, ps -> ps.setString(1, workflowId), checkpointRow);
        } catch (RuntimeException e) {
            throw jdbc.translate(e);
        }
    }

    /** Marks the given, still valid checkpoints invalid; already invalid ones keep their first invalidation time. */
    void invalidateCheckpoints(String workflowId, List<String> ids, Instant at) {
        if (ids.isEmpty()) return;
        String sql = "UPDATE checkpoints SET valid = ?, invalidated_at = ? WHERE workflow_id = ? AND valid = ? AND id IN ("
                + String.join(", ", ids.stream().map(id -> "?").toList()) + ")";
        try {
            jdbc.writer.update(sql, ps -> {
                Params p = new Params(ps, dialect).bool(false).instant(at).text(workflowId).bool(true);
                for (String id : ids) p.text(id);
            });
        } catch (RuntimeException e) {
            throw jdbc.translate(e);
        }
    }

    int deleteInvalidCheckpoints(Instant invalidatedBefore) {
        try {
            return jdbc.writer.update(DELETE_INVALID_CHECKPOINTS, ps -> new Params(ps, dialect).bool(false).instant(invalidatedBefore));
        } catch (RuntimeException e) {
            throw jdbc.translate(e);
        }
    }

    int deleteInvalidCheckpoints(String workflowId) {
        try {
            return jdbc.writer.update(DELETE_INVALID_CHECKPOINTS_OF, ps -> new Params(ps, dialect).text(workflowId).bool(false));
        } catch (RuntimeException e) {
            throw jdbc.translate(e);
        }
    }

    Map<String, Integer> invalidCheckpointCountsOver(int limit) {
        try {
            Map<String, Integer> counts = new LinkedHashMap<>();
            jdbc.reader.query(COUNT_INVALID_CHECKPOINTS, ps -> new Params(ps, dialect).bool(false).integer(limit),
                    (RowCallbackHandler) rs -> {
                        counts.put(rs.getString("workflow_id"), rs.getInt("n"));
                    });
            return counts;
        } catch (RuntimeException e) {
            throw jdbc.translate(e);
        }
    }

    /** @return the report as stored (instant at microsecond precision) */
    Report addReport(Report r) {
        try {
            jdbc.writer.update(INSERT_REPORT, ps -> new Params(ps, dialect)
                    .text(r.id()).text(r.workflowId()).text(r.workId()).text(r.taskId()).text(r.path()).instant(r.createdAt()));
        } catch (RuntimeException e) {
            throw jdbc.translate(e,
                    () -> new BatonException.Conflict("report.duplicate-id", "a report with id '" + r.id() + "' already exists"),
                    () -> workflowNotFound(r.workflowId()));
        }
        return new Report(r.id(), r.workflowId(), r.workId(), r.taskId(), r.path(), micros(r.createdAt()));
    }

    List<Report> reports(String workflowId) {
        try {
            return jdbc.reader.query(SELECT_REPORTS, ps -> ps.setString(1, workflowId), reportRow);
        } catch (RuntimeException e) {
            throw jdbc.translate(e);
        }
    }

    private static BatonException workflowNotFound(String workflowId) {
        return new BatonException.NotFound("workflow.not-found", "no workflow with id '" + workflowId + "'");
    }

    private static Instant micros(Instant at) {
        return at == null ? null : at.truncatedTo(ChronoUnit.MICROS);
    }
}
