package dev.baton.store;

import dev.baton.shared.BatonException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseUrlTest {
    private static final Path DATA = Path.of("/var/lib/baton");
    private static final Path CWD = Path.of("").toAbsolutePath();

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void unsetOrBlankMeansSqliteInTheDataFolder(String value) {
        DatabaseUrl url = DatabaseUrl.parse(value, DATA);

        assertThat(url.dialect()).isEqualTo(Dialect.SQLITE);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:sqlite:/var/lib/baton/baton.db");
        assertThat(url.sqliteFile()).contains(Path.of("/var/lib/baton/baton.db"));
        assertThat(DatabaseUrl.parse(null, DATA).jdbcUrl()).isEqualTo(url.jdbcUrl());
    }

    @Test
    void theEnvironmentVariableIsRead() {
        assertThat(DatabaseUrl.fromEnvironment(Map.of(), DATA).jdbcUrl()).isEqualTo("jdbc:sqlite:/var/lib/baton/baton.db");
        assertThat(DatabaseUrl.fromEnvironment(Map.of("DATABASE_URL", "file:/tmp/x.db"), DATA).jdbcUrl()).isEqualTo("jdbc:sqlite:/tmp/x.db");
    }

    @Test
    void fileAndSqliteFormsAreSqliteFiles() {
        assertThat(DatabaseUrl.parse("file:/abs/x.db", DATA).jdbcUrl()).isEqualTo("jdbc:sqlite:/abs/x.db");
        assertThat(DatabaseUrl.parse("file:///abs/x.db", DATA).jdbcUrl()).isEqualTo("jdbc:sqlite:/abs/x.db");
        assertThat(DatabaseUrl.parse("sqlite:/abs/y.db", DATA).jdbcUrl()).isEqualTo("jdbc:sqlite:/abs/y.db");
        assertThat(DatabaseUrl.parse("sqlite:///abs/y.db", DATA).sqliteFile()).contains(Path.of("/abs/y.db"));
        assertThat(DatabaseUrl.parse("file:/abs/../abs/x.db", DATA).jdbcUrl()).isEqualTo("jdbc:sqlite:/abs/x.db");
        assertThat(DatabaseUrl.parse(" file:/abs/x.db ", DATA).dialect()).isEqualTo(Dialect.SQLITE);
    }

    @Test
    void relativeSqlitePathsResolveAgainstTheWorkingDirectory() {
        assertThat(DatabaseUrl.parse("file:./x.db", DATA).sqliteFile()).contains(CWD.resolve("x.db"));
        assertThat(DatabaseUrl.parse("sqlite:data/y.db", DATA).jdbcUrl()).isEqualTo("jdbc:sqlite:" + CWD.resolve("data/y.db"));
        assertThat(DatabaseUrl.parse("file:~/b.db", DATA).sqliteFile()).contains(Path.of(System.getProperty("user.home"), "b.db"));
    }

    @Test
    void postgresUrlsBecomeJdbcUrlsWithCredentialsSplitOutAndDecoded() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://baton:p%40ss%3Aw+rd@db.example.com:6543/baton_prod?sslmode=require", DATA);

        assertThat(url.dialect()).isEqualTo(Dialect.POSTGRESQL);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6543/baton_prod?sslmode=require");
        assertThat(url.user()).contains("baton");
        assertThat(url.password()).isEqualTo("p@ss:w+rd");
        assertThat(url.sqliteFile()).isEmpty();
    }

    @Test
    void postgresDefaultsAndVariants() {
        DatabaseUrl shortScheme = DatabaseUrl.parse("postgres://u:pw@localhost/app", DATA);
        assertThat(shortScheme.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/app");
        assertThat(shortScheme.user()).contains("u");

        DatabaseUrl noCredentials = DatabaseUrl.parse("postgresql://db:5432/app", DATA);
        assertThat(noCredentials.user()).isEmpty();
        assertThat(noCredentials.password()).isNull();

        DatabaseUrl userOnly = DatabaseUrl.parse("postgresql://postgres@127.0.0.1:5432/test?currentSchema=s1", DATA);
        assertThat(userOnly.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test?currentSchema=s1");
        assertThat(userOnly.user()).contains("postgres");
        assertThat(userOnly.password()).isNull();

        DatabaseUrl paramCredentials = DatabaseUrl.parse("postgresql://db/app?user=me&password=se%26cret&sslmode=disable", DATA);
        assertThat(paramCredentials.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/app?sslmode=disable");
        assertThat(paramCredentials.user()).contains("me");
        assertThat(paramCredentials.password()).isEqualTo("se&cret");

        assertThat(DatabaseUrl.parse("postgresql://h1,h2:5433/app", DATA).jdbcUrl()).isEqualTo("jdbc:postgresql://h1:5432,h2:5433/app");
        assertThat(DatabaseUrl.parse("postgresql://[::1]/app", DATA).jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/app");
        assertThat(DatabaseUrl.parse("postgresql://[::1]:6000/app", DATA).jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:6000/app");
        assertThat(DatabaseUrl.parse("postgresql:///app", DATA).jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/app");
        assertThat(DatabaseUrl.parse("postgresql://a:b@c@host/app", DATA).password()).isEqualTo("b@c");
    }

    @Test
    void jdbcUrlsAreUsedAsIs() {
        DatabaseUrl pg = DatabaseUrl.parse("jdbc:postgresql://db:5432/app?user=x&password=y", DATA);
        assertThat(pg.dialect()).isEqualTo(Dialect.POSTGRESQL);
        assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/app?user=x&password=y");

        DatabaseUrl sqlite = DatabaseUrl.parse("jdbc:sqlite:/abs/z.db?foreign_keys=true", DATA);
        assertThat(sqlite.dialect()).isEqualTo(Dialect.SQLITE);
        assertThat(sqlite.jdbcUrl()).isEqualTo("jdbc:sqlite:/abs/z.db?foreign_keys=true");
        assertThat(sqlite.sqliteFile()).contains(Path.of("/abs/z.db"));
        assertThat(DatabaseUrl.parse("jdbc:sqlite::memory:", DATA).sqliteFile()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mysql://root:hunter2@db/app", "redis://localhost", "/just/a/path.db", "jdbc:mysql://db/app", "file:",
            "postgresql://db:notaport/app", "postgresql://db/app/extra"})
    void unknownFormsAreInvalidAndNameTheVariableAndTheAcceptedForms(String value) {
        assertThatThrownBy(() -> DatabaseUrl.parse(value, DATA))
                .isInstanceOfSatisfying(BatonException.Invalid.class, e -> {
                    assertThat(e.code()).isEqualTo("config.database-url.invalid");
                    assertThat(e.getMessage()).contains("DATABASE_URL").contains("postgresql://").contains("file:").contains("jdbc:sqlite:")
                            .doesNotContain("hunter2");
                });
    }

    @Test
    void maskingNeverShowsThePassword() {
        DatabaseUrl pg = DatabaseUrl.parse("postgresql://baton:TopSecret@db:5432/app", DATA);
        assertThat(pg.masked()).contains("jdbc:postgresql://db:5432/app").contains("baton").contains("****").doesNotContain("TopSecret");
        assertThat(pg.toString()).isEqualTo(pg.masked());

        DatabaseUrl jdbc = DatabaseUrl.parse("jdbc:postgresql://db/app?user=x&password=TopSecret&ssl=true", DATA);
        assertThat(jdbc.toString()).isEqualTo("jdbc:postgresql://db/app?user=x&password=****&ssl=true");

        assertThat(DatabaseUrl.parse("postgresql://db/app", DATA).masked()).isEqualTo("jdbc:postgresql://db:5432/app");
        assertThat(DatabaseUrl.maskSecrets("mysql://root:TopSecret@db/app")).isEqualTo("mysql://root:****@db/app");
    }
}
