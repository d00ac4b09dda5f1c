package dev.baton.store;

import com.zaxxer.hikari.HikariConfig;
import dev.baton.shared.BatonException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;

/**
 * Every difference between the databases Baton runs on. Nothing outside this enum branches on the database:
 * migrations, pools, timestamp columns, JSON parameters and error classification all live here.
 * Both dialects keep instants to the microsecond (PostgreSQL's TIMESTAMPTZ precision), so they are truncated
 * the same way on either.
 */
public enum Dialect {

    /**
     * One writer connection plus a pool of readers. SQLite allows one writer at a time; funnelling writes
     * through a single pooled connection makes threads queue in the pool (fast, fair) instead of spinning
     * in SQLite's busy handler. WAL lets the readers run beside the writer. {@code busy_timeout} still covers
     * other processes (CLI and server) writing the same file.
     */
    SQLITE("classpath:db/migration/sqlite") {
        private static final int BUSY_TIMEOUT_MS = 10_000;
        private static final int MAX_READERS = 4;

        @Override
        void prepareStorage(DatabaseUrl url) {
            Optional<Path> folder = url.sqliteFile().map(Path::getParent);
            if (folder.isEmpty()) return;
            try {
                Files.createDirectories(folder.get());
            } catch (IOException e) {
                throw new BatonException.Invalid("config.database-url.unusable",
                        "cannot create the folder " + folder.get() + " for the SQLite database " + url.masked() + ": " + e);
            }
        }

        @Override
        HikariConfig writerPool(DatabaseUrl url, PoolSettings pool) {
            HikariConfig c = base(url, pool, "baton-sqlite-writer");
            c.setMinimumIdle(1);
            c.setMaximumPoolSize(1);
            // BEGIN IMMEDIATE: a transaction takes the write lock up front (waiting in busy_timeout) rather than
            // failing with SQLITE_BUSY_SNAPSHOT when it upgrades from reading to writing.
            c.setDataSourceProperties(connectionConfig(SQLiteConfig.TransactionMode.IMMEDIATE).toProperties());
            return c;
        }

        @Override
        Optional<HikariConfig> readerPool(DatabaseUrl url, PoolSettings pool) {
            HikariConfig c = base(url, pool, "baton-sqlite-reader");
            int max = Math.min(pool.max(), MAX_READERS); // more readers than cores buys nothing on a file
            c.setMaximumPoolSize(max);
            c.setMinimumIdle(Math.min(pool.min(), max));
            c.setDataSourceProperties(connectionConfig(SQLiteConfig.TransactionMode.DEFERRED).toProperties());
            return Optional.of(c);
        }

        private SQLiteConfig connectionConfig(SQLiteConfig.TransactionMode mode) {
            // Applied by the driver to every connection it opens.
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setBusyTimeout(BUSY_TIMEOUT_MS);
            config.enforceForeignKeys(true);
            config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            config.setTransactionMode(mode);
            return config;
        }

        /** INTEGER microseconds since the epoch: compact, exact, and sorts as a number. */
        @Override
        void setInstant(PreparedStatement ps, int index, Instant at) throws SQLException {
            if (at == null) ps.setNull(index, Types.BIGINT);
            else ps.setLong(index, Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000));
        }

        @Override
        Instant getInstant(ResultSet rs, String column) throws SQLException {
            long micros = rs.getLong(column);
            if (rs.wasNull()) return null;
            return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
        }

        @Override
        String jsonParameter() {
            return "?";
        }

        @Override
        Failure classifyVendor(SQLException e) {
            if (!(e instanceof SQLiteException s)) return Failure.OTHER;
            SQLiteErrorCode code = s.getResultCode();
            if (code == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY || code == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE)
                return Failure.DUPLICATE_KEY;
            if (code == SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY) return Failure.MISSING_PARENT;
            int primary = code.code & 0xff;
            if (primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code) return Failure.TRANSIENT;
            return Failure.OTHER;
        }
    },

    POSTGRESQL("classpath:db/migration/postgresql") {
        /** connection exceptions, serialization failure, deadlock, lock/statement timeouts, too many connections, shutdown */
        private static final Set<String> TRANSIENT_STATES = Set.of("40001", "40P01", "55P03", "57014", "53300", "57P01", "57P02", "57P03");

        @Override
        void prepareStorage(DatabaseUrl url) {
            // The server owns its storage.
        }

        @Override
        HikariConfig writerPool(DatabaseUrl url, PoolSettings pool) {
            HikariConfig c = base(url, pool, "baton-postgresql");
            c.setMinimumIdle(pool.min());
            c.setMaximumPoolSize(pool.max());
            // Turns the batched INSERTs of create() into multi-row INSERTs: one round trip per table.
            c.addDataSourceProperty("reWriteBatchedInserts", "true");
            c.addDataSourceProperty("ApplicationName", "baton");
            return c;
        }

        @Override
        Optional<HikariConfig> readerPool(DatabaseUrl url, PoolSettings pool) {
            return Optional.empty(); // MVCC: readers and writers share one pool
        }

        @Override
        void setInstant(PreparedStatement ps, int index, Instant at) throws SQLException {
            if (at == null) ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
            else ps.setObject(index, OffsetDateTime.ofInstant(at.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
        }

        @Override
        Instant getInstant(ResultSet rs, String column) throws SQLException {
            OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
            return t == null ? null : t.toInstant();
        }

        @Override
        String jsonParameter() {
            return "CAST(? AS jsonb)";
        }

        @Override
        Failure classifyVendor(SQLException e) {
            String state = e.getSQLState();
            if (state == null) return Failure.OTHER;
            if (state.equals("23505")) return Failure.DUPLICATE_KEY;
            if (state.equals("23503")) return Failure.MISSING_PARENT;
            if (state.startsWith("08") || TRANSIENT_STATES.contains(state)) return Failure.TRANSIENT;
            return Failure.OTHER;
        }
    };

    /** What a failed statement means to the store. */
    enum Failure { DUPLICATE_KEY, MISSING_PARENT, TRANSIENT, OTHER }

    private final String migrationLocation;

    Dialect(String migrationLocation) {
        this.migrationLocation = migrationLocation;
    }

    /** Flyway location of this dialect's migrations. */
    public String migrationLocation() {
        return migrationLocation;
    }

    /** Makes sure the database can be created (SQLite: its folder). */
    abstract void prepareStorage(DatabaseUrl url);

    /** The pool every write goes through. */
    abstract HikariConfig writerPool(DatabaseUrl url, PoolSettings pool);

    /** A separate pool for reads, or empty when reads share the writer pool. */
    abstract Optional<HikariConfig> readerPool(DatabaseUrl url, PoolSettings pool);

    /** Binds an instant (or null) to a timestamp column. */
    abstract void setInstant(PreparedStatement ps, int index, Instant at) throws SQLException;

    abstract Instant getInstant(ResultSet rs, String column) throws SQLException;

    /** The placeholder for a JSON document column. */
    abstract String jsonParameter();

    abstract Failure classifyVendor(SQLException e);

    /** Classifies a failure by the first SQLException in its cause chain. */
    final Failure classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (!(t instanceof SQLException e)) continue;
            if (e instanceof SQLTransientException || e instanceof SQLRecoverableException || e instanceof SQLNonTransientConnectionException)
                return Failure.TRANSIENT;
            Failure vendor = classifyVendor(e);
            if (vendor != Failure.OTHER) return vendor;
        }
        return Failure.OTHER;
    }

    private static HikariConfig base(DatabaseUrl url, PoolSettings pool, String name) {
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setJdbcUrl(url.jdbcUrl());
        url.user().ifPresent(c::setUsername);
        if (url.password() != null) c.setPassword(url.password());
        c.setConnectionTimeout(pool.connectionTimeoutMs());
        return c;
    }
}
