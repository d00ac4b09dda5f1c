package dev.baton.dispatch;

import dev.baton.grpc.WorkerTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The dispatch tests' common life: a fresh {@link DispatchFixture} per test, with the tokens the test wants. */
abstract class DispatchFixtureTest {
    DispatchFixture f;

    /** The worker tokens the fixture's server checks; none by default. */
    WorkerTokens tokens() {
        return WorkerTokens.none();
    }

    @BeforeEach
    void openFixture() throws Exception {
        f = new DispatchFixture(tokens());
    }

    @AfterEach
    void closeFixture() throws Exception {
        f.close();
    }
}
