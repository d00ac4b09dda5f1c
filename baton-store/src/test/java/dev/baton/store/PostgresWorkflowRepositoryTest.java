package dev.baton.store;

import dev.baton.shared.BatonException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract on the real PostgreSQL at 127.0.0.1:5432 (database {@code test}, user {@code postgres}), in a
 * schema of its own that is dropped afterwards. An unreachable server fails these tests; it never skips them.
 */
class PostgresWorkflowRepositoryTest extends WorkflowRepositoryContractTest {
    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    private final String schema = "baton_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);

    @Override
    protected DatabaseUrl databaseUrl() throws Exception {
        execute("CREATE SCHEMA " + schema);
        // Through the DATABASE_URL form users write, so the conversion is exercised against a real server.
        return DatabaseUrl.parse("postgresql://postgres@127.0.0.1:5432/test?currentSchema=" + schema, Path.of("unused"));
    }

    @Override
    protected void dropDatabase() throws Exception {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    private static void execute(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(SERVER, "postgres", null); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void theStoreLivesInItsOwnSchema() throws Exception {
        assertThat(database.dialect()).isEqualTo(Dialect.POSTGRESQL);
        try (Connection c = database.dataSource().getConnection()) {
            assertThat(c.getSchema()).isEqualTo(schema);
        }
    }

    @Test
    void anUnreachableServerIsTransientAndTheMessageHidesThePassword() {
        DatabaseUrl nowhere = DatabaseUrl.parse("postgresql://baton:s3cr%40t@127.0.0.1:1/baton", Path.of("unused"));

        assertThatThrownBy(() -> Database.open(nowhere, new PoolSettings(0, 2, 1000)))
                .isInstanceOfSatisfying(BatonException.Transient.class, e -> {
                    assertThat(e.code()).isEqualTo("store.unavailable");
                    assertThat(e.getMessage()).contains("127.0.0.1:1").doesNotContain("s3cr");
                });
    }
}
