package dev.baton.cleanup;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The cleanup tests' common life: a fresh {@link CleanupFixture} on a temporary data folder per test. */
abstract class CleanupFixtureTest {
    @TempDir
    Path dir;
    CleanupFixture f;

    @BeforeEach
    void openFixture() {
        f = new CleanupFixture(dir);
    }

    @AfterEach
    void closeFixture() {
        f.close();
    }
}
