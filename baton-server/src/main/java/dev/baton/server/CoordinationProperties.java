package dev.baton.server;

import dev.baton.server.SettingRules.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Spec-file coordination (seed 000); defaults in application.yml.
 *
 * @param natsUrl              NATS_URL: unset → in-process ping bus
 * @param specRoot             SPEC_ROOT: unset → {@code specs/active} in the data folder
 * @param specPollIntervalMs   SPEC_POLL_INTERVAL_MS: full comparison of every spec's content
 * @param specQuickCheckMs     SPEC_QUICK_CHECK_MS: the cheap size/mtime check that heals a lost event
 * @param specCoalesceMs       SPEC_COALESCE_MS: later writes to one file within this window become one ping
 * @param watchman             SPEC_WATCHMAN: use Watchman when its binary is there
 */
@ConfigurationProperties("coordination")
public record CoordinationProperties(String natsUrl, String specRoot, @Min(100) long specPollIntervalMs, @Min(10) long specQuickCheckMs,
                                     @Min(0) long specCoalesceMs, boolean watchman, @Min(100) long healthPingIntervalMs,
                                     @Min(100) long workerNeededIntervalMs, @Min(1) long diffMaxBytes, @Min(100) long specLockTimeoutMs) {
}
