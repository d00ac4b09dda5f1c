package dev.baton.store;

import dev.baton.shared.BatonException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PoolSettingsTest {

    @Test
    void defaultsApplyToUnsetVariables() {
        assertThat(PoolSettings.fromEnvironment(Map.of())).isEqualTo(new PoolSettings(2, 10, 5000));
        assertThat(PoolSettings.fromEnvironment(Map.of("DATABASE_POOL_MAX", "20", "DATABASE_CONNECTION_TIMEOUT_MS", " 750 ")))
                .isEqualTo(new PoolSettings(2, 20, 750));
    }

    @Test
    void nonsenseIsInvalidAndNamesTheVariable() {
        assertThatThrownBy(() -> PoolSettings.fromEnvironment(Map.of("DATABASE_POOL_MIN", "two")))
                .isInstanceOf(BatonException.Invalid.class).hasMessageContaining("DATABASE_POOL_MIN");
        assertThatThrownBy(() -> PoolSettings.fromEnvironment(Map.of("DATABASE_POOL_MIN", "11")))
                .isInstanceOf(BatonException.Invalid.class).hasMessageContaining("DATABASE_POOL_MAX");
        assertThatThrownBy(() -> PoolSettings.fromEnvironment(Map.of("DATABASE_POOL_MAX", "0")))
                .isInstanceOf(BatonException.Invalid.class).hasMessageContaining("DATABASE_POOL_MAX");
        assertThatThrownBy(() -> PoolSettings.fromEnvironment(Map.of("DATABASE_CONNECTION_TIMEOUT_MS", "10")))
                .isInstanceOf(BatonException.Invalid.class).hasMessageContaining("DATABASE_CONNECTION_TIMEOUT_MS");
    }
}
