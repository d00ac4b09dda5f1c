package dev.baton.server;

import dev.baton.shared.BatonException;
import org.springframework.scheduling.support.CronExpression;

/** CLEANUP_SCHEDULE_CRON as the seed writes it (5 fields, minute first) or as Spring does (6, second first). */
final class CleanupCron {
    private CleanupCron() {
    }

    static CronExpression parse(String value) {
        String cron = value == null ? "" : value.trim();
        // Classic cron has no seconds field: such a schedule runs at second 0.
        String spring = cron.split("\\s+").length == 5 ? "0 " + cron : cron;
        try {
            return CronExpression.parse(spring);
        } catch (IllegalArgumentException e) {
            throw new BatonException.Invalid("cleanup.cron",
                    "CLEANUP_SCHEDULE_CRON '" + value + "' is not a cron expression (e.g. '0 * * * *' for every hour): " + e.getMessage());
        }
    }
}
