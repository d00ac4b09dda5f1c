package dev.baton.store;

import dev.baton.shared.BatonException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static dev.baton.store.Dialect.Failure.DUPLICATE_KEY;
import static dev.baton.store.Dialect.Failure.MISSING_PARENT;
import static dev.baton.store.Dialect.Failure.OTHER;
import static dev.baton.store.Dialect.Failure.TRANSIENT;
import static org.assertj.core.api.Assertions.assertThat;

/** How each dialect reads its driver's failures, and what the store turns them into. */
class DialectTest {

    @Test
    void sqliteFailuresAreClassifiedByResultCode() {
        assertThat(Dialect.SQLITE.classify(wrapped(sqlite(SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY)))).isEqualTo(DUPLICATE_KEY);
        assertThat(Dialect.SQLITE.classify(wrapped(sqlite(SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE)))).isEqualTo(DUPLICATE_KEY);
        assertThat(Dialect.SQLITE.classify(wrapped(sqlite(SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY)))).isEqualTo(MISSING_PARENT);
        assertThat(Dialect.SQLITE.classify(wrapped(sqlite(SQLiteErrorCode.SQLITE_BUSY)))).isEqualTo(TRANSIENT);
        assertThat(Dialect.SQLITE.classify(wrapped(sqlite(SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT)))).isEqualTo(TRANSIENT);
        assertThat(Dialect.SQLITE.classify(wrapped(sqlite(SQLiteErrorCode.SQLITE_LOCKED)))).isEqualTo(TRANSIENT);
        assertThat(Dialect.SQLITE.classify(wrapped(sqlite(SQLiteErrorCode.SQLITE_CONSTRAINT_NOTNULL)))).isEqualTo(OTHER);
    }

    @Test
    void postgresFailuresAreClassifiedBySqlState() {
        assertThat(Dialect.POSTGRESQL.classify(wrapped(pg(PSQLState.UNIQUE_VIOLATION)))).isEqualTo(DUPLICATE_KEY);
        assertThat(Dialect.POSTGRESQL.classify(wrapped(pg(PSQLState.FOREIGN_KEY_VIOLATION)))).isEqualTo(MISSING_PARENT);
        assertThat(Dialect.POSTGRESQL.classify(wrapped(pg(PSQLState.SERIALIZATION_FAILURE)))).isEqualTo(TRANSIENT);
        assertThat(Dialect.POSTGRESQL.classify(wrapped(pg(PSQLState.DEADLOCK_DETECTED)))).isEqualTo(TRANSIENT);
        assertThat(Dialect.POSTGRESQL.classify(wrapped(pg(PSQLState.CONNECTION_FAILURE)))).isEqualTo(TRANSIENT);
        assertThat(Dialect.POSTGRESQL.classify(wrapped(pg(PSQLState.QUERY_CANCELED)))).isEqualTo(TRANSIENT);
        assertThat(Dialect.POSTGRESQL.classify(wrapped(pg(PSQLState.NOT_NULL_VIOLATION)))).isEqualTo(OTHER);
        // The other dialect's driver errors mean nothing here.
        assertThat(Dialect.POSTGRESQL.classify(wrapped(sqlite(SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE)))).isEqualTo(OTHER);
    }

    @Test
    void aPoolTimeoutIsTransientOnEitherDialect() {
        SQLException timeout = new SQLTransientConnectionException("baton-postgresql - Connection is not available, request timed out after 5000ms");
        for (Dialect d : Dialect.values()) assertThat(d.classify(new CannotGetJdbcConnectionException("no connection", timeout))).isEqualTo(TRANSIENT);
    }

    @Test
    void theStoreTranslatesBusyIntoTransientAndLeavesBugsAlone() {
        DriverManagerDataSource unused = new DriverManagerDataSource("jdbc:sqlite::memory:"); // never connected
        StoreJdbc jdbc = new StoreJdbc(Dialect.SQLITE, unused, unused);
        RuntimeException busy = jdbc.translate(wrapped(sqlite(SQLiteErrorCode.SQLITE_BUSY)));
        assertThat(busy).isInstanceOfSatisfying(BatonException.Transient.class, e -> assertThat(e.code()).isEqualTo("store.unavailable"));

        DataIntegrityViolationException notNull = new DataIntegrityViolationException("x", sqlite(SQLiteErrorCode.SQLITE_CONSTRAINT_NOTNULL));
        assertThat(jdbc.translate(notNull)).isSameAs(notNull);
        IllegalStateException bug = new IllegalStateException("bug");
        assertThat(jdbc.translate(bug)).isSameAs(bug);
    }

    private static UncategorizedSQLException wrapped(SQLException e) {
        return new UncategorizedSQLException("test", "SELECT 1", e);
    }

    private static SQLiteException sqlite(SQLiteErrorCode code) {
        return new SQLiteException(code.message, code);
    }

    private static PSQLException pg(PSQLState state) {
        return new PSQLException("failure " + state.getState(), state);
    }
}
