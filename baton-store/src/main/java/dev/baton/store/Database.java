package dev.baton.store;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.baton.shared.BatonException;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.io.Closeable;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * An open, migrated database: its connection pools and dialect. Create one per process with {@link #open}
 * (or {@link #fromEnvironment}), hand it to {@link JdbcWorkflowRepository} and {@link JdbcEventLog}, and
 * close it on shutdown.
 */
public final class Database implements Closeable {
    private final DatabaseUrl url;
    private final HikariDataSource writer;
    private final HikariDataSource reader;
    private final StoreJdbc jdbc;

    private Database(DatabaseUrl url, HikariDataSource writer, HikariDataSource reader) {
        this.url = url;
        this.writer = writer;
        this.reader = reader;
        this.jdbc = new StoreJdbc(url.dialect(), writer, reader);
    }

    /**
     * Opens the pools and applies pending migrations.
     *
     * @throws BatonException.Transient when the database cannot be reached
     * @throws BatonException.Invalid   when a SQLite folder cannot be created
     */
    public static Database open(DatabaseUrl url, PoolSettings pool) {
        Dialect dialect = url.dialect();
        dialect.prepareStorage(url);
        HikariDataSource writer = connect(url, () -> new HikariDataSource(dialect.writerPool(url, pool)));
        HikariDataSource reader = null;
        try {
            migrate(url, writer);
            reader = dialect.readerPool(url, pool).map(c -> connect(url, () -> new HikariDataSource(c))).orElse(writer);
            return new Database(url, writer, reader);
        } catch (RuntimeException e) {
            if (reader != null && reader != writer) reader.close();
            writer.close();
            throw e;
        }
    }

    /** {@code DATABASE_URL} and the pool variables from {@code env} (usually {@code System.getenv()}). */
    public static Database fromEnvironment(Map<String, String> env, Path dataDir) {
        return open(DatabaseUrl.fromEnvironment(env, dataDir), PoolSettings.fromEnvironment(env));
    }

    public Dialect dialect() {
        return url.dialect();
    }

    public DatabaseUrl url() {
        return url;
    }

    /** The pool writes go through; also fine for health checks. */
    public DataSource dataSource() {
        return writer;
    }

    StoreJdbc jdbc() {
        return jdbc;
    }

    /** Closes the pools; the repositories built on this database stop working. */
    @Override
    public void close() {
        if (reader != writer) reader.close();
        writer.close();
    }

    @Override
    public String toString() {
        return "Database[" + url.masked() + "]";
    }

    private static void migrate(DatabaseUrl url, DataSource dataSource) {
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations(url.dialect().migrationLocation())
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            throw new IllegalStateException("migrating " + url.masked() + " failed: " + e.getMessage(), e);
        }
    }

    private static HikariDataSource connect(DatabaseUrl url, Supplier<HikariDataSource> open) {
        try {
            return open.get();
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new BatonException.Transient("store.unavailable",
                    "cannot connect to the database " + url.masked() + ": " + DatabaseUrl.maskSecrets(String.valueOf(cause.getMessage())), e);
        }
    }
}
