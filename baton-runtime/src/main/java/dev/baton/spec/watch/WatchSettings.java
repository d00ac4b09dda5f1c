package dev.baton.spec.watch;

import dev.baton.shared.BatonException;

import java.time.Duration;

/**
 * How the spec folder is watched.
 *
 * @param useWatchman        try watchman first (falls back to the JDK WatchService when it does not run)
 * @param pollInterval       full comparison by content hash ({@code SPEC_POLL_INTERVAL_MS}, default 60 s)
 * @param quickCheckInterval cheap comparison by inode, size and modification time (default 2 s)
 * @param coalesceWindow     more changes to one file within this window after a report become one trailing report (default 20 ms)
 * @param watchmanBinary     the watchman executable, looked up on PATH unless absolute (default {@code watchman})
 */
public record WatchSettings(boolean useWatchman, Duration pollInterval, Duration quickCheckInterval, Duration coalesceWindow,
                            String watchmanBinary) {

    public WatchSettings {
        requirePositive("pollInterval", pollInterval);
        requirePositive("quickCheckInterval", quickCheckInterval);
        if (coalesceWindow == null || coalesceWindow.isNegative()) {
            throw new BatonException.Invalid("spec-watch.invalid-settings", "coalesceWindow must be zero or more, got " + coalesceWindow);
        }
        if (watchmanBinary == null || watchmanBinary.isBlank()) {
            throw new BatonException.Invalid("spec-watch.invalid-settings", "watchmanBinary must name an executable");
        }
    }

    public static WatchSettings defaults() {
        return new WatchSettings(true, Duration.ofMillis(60_000), Duration.ofSeconds(2), Duration.ofMillis(20), "watchman");
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new BatonException.Invalid("spec-watch.invalid-settings", name + " must be positive, got " + value);
        }
    }
}
