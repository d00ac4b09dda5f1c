package dev.baton.store;

import dev.baton.shared.BatonException;
import dev.baton.workflow.EventLog;
import dev.baton.workflow.WorkflowEvent;
import org.springframework.jdbc.core.RowMapper;

import java.util.List;

/**
 * {@link EventLog} on SQLite or PostgreSQL (table {@code events}). The sequence is global and increasing;
 * on PostgreSQL two concurrent appends may commit out of sequence order, so a tailing reader can see a
 * lower sequence appear after a higher one. Events of one workflow are appended by its single runner, in order.
 */
public final class JdbcEventLog implements EventLog {
    private static final String SELECT = """
            SELECT sequence, workflow_id, type, correlation_id, occurred_at, payload FROM events
            WHERE workflow_id = ? AND sequence > ? ORDER BY sequence LIMIT ?""";

    private final StoreJdbc jdbc;
    private final Dialect dialect;
    private final EventCodec codec;
    private final String insert;
    private final RowMapper<StoredEvent> row;

    public JdbcEventLog(Database database) {
        this(database, new EventCodec());
    }

    public JdbcEventLog(Database database, EventCodec codec) {
        this.jdbc = database.jdbc();
        this.dialect = jdbc.dialect;
        this.codec = codec;
        // RETURNING hands back the new sequence in the same round trip (SQLite 3.35+, PostgreSQL).
        this.insert = "INSERT INTO events (workflow_id, type, correlation_id, occurred_at, payload) VALUES (?, ?, ?, ?, "
                + dialect.jsonParameter() + ") RETURNING sequence";
        this.row = (rs, n) -> new StoredEvent(rs.getLong("sequence"), rs.getString("workflow_id"), rs.getString("type"),
                rs.getString("correlation_id"), dialect.getInstant(rs, "occurred_at"), rs.getString("payload"));
    }

    @Override
    public long append(WorkflowEvent event) {
        String payload = codec.encode(event);
        try {
            Long sequence = jdbc.writer.query(insert, ps -> new Params(ps, dialect)
                    .text(event.workflowId()).text(event.type()).text(event.correlationId()).instant(event.occurredAt()).text(payload),
                    rs -> rs.next() ? rs.getLong(1) : null);
            if (sequence == null) throw new IllegalStateException("the database returned no sequence for the appended event");
            return sequence;
        } catch (RuntimeException e) {
            throw jdbc.translate(e);
        }
    }

    @Override
    public List<StoredEvent> read(String workflowId, long afterSequence, int limit) {
        if (limit < 1) throw new BatonException.Invalid("event.read.invalid", "limit must be 1 or more, got " + limit);
        try {
            return jdbc.reader.query(SELECT, ps -> new Params(ps, dialect).text(workflowId).bigint(afterSequence).integer(limit), row);
        } catch (RuntimeException e) {
            throw jdbc.translate(e);
        }
    }
}
