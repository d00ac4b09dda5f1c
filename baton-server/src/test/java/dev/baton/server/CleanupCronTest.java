package dev.baton.server;

import dev.baton.shared.BatonException;
import org.junit.jupiter.api.Test;

import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CleanupCronTest {
    private static final ZonedDateTime AT = ZonedDateTime.parse("2026-03-01T12:34:56Z");

    @Test
    void theSeedsFiveFieldCronRunsAtSecondZero() {
        assertThat(CleanupCron.parse("0 * * * *").next(AT)).isEqualTo(ZonedDateTime.parse("2026-03-01T13:00:00Z"));
        assertThat(CleanupCron.parse(" 0 3 * * * ").next(AT)).isEqualTo(ZonedDateTime.parse("2026-03-02T03:00:00Z"));
    }

    @Test
    void springsSixFieldCronIsTakenAsItIs() {
        assertThat(CleanupCron.parse("30 0 * * * *").next(AT)).isEqualTo(ZonedDateTime.parse("2026-03-01T13:00:30Z"));
    }

    @Test
    void aBadCronNamesTheVariable() {
        assertThatThrownBy(() -> CleanupCron.parse("every hour"))
                .isInstanceOfSatisfying(BatonException.Invalid.class, e -> {
                    assertThat(e.code()).isEqualTo("cleanup.cron");
                    assertThat(e.getMessage()).contains("CLEANUP_SCHEDULE_CRON", "every hour");
                });
        assertThatThrownBy(() -> CleanupCron.parse("")).hasMessageContaining("CLEANUP_SCHEDULE_CRON");
    }
}
