package dev.baton.store;

import dev.baton.shared.BatonException;

import java.util.Map;

/**
 * Connection pool sizing, from {@code DATABASE_POOL_MIN}, {@code DATABASE_POOL_MAX} and
 * {@code DATABASE_CONNECTION_TIMEOUT_MS}. The dialect may narrow it (SQLite has a single writer).
 *
 * @param min                 connections kept open when idle
 * @param max                 most connections open at once
 * @param connectionTimeoutMs how long a caller waits for a free connection before a {@code Transient} error
 */
public record PoolSettings(int min, int max, long connectionTimeoutMs) {
    public static final String MIN_ENV = "DATABASE_POOL_MIN";
    public static final String MAX_ENV = "DATABASE_POOL_MAX";
    public static final String TIMEOUT_ENV = "DATABASE_CONNECTION_TIMEOUT_MS";

    public PoolSettings {
        if (min < 0) throw invalid(MIN_ENV + " must be 0 or more, got " + min);
        if (max < 1) throw invalid(MAX_ENV + " must be 1 or more, got " + max);
        if (min > max) throw invalid(MIN_ENV + " (" + min + ") must not exceed " + MAX_ENV + " (" + max + ")");
        // HikariCP refuses anything shorter.
        if (connectionTimeoutMs < 250) throw invalid(TIMEOUT_ENV + " must be 250 or more, got " + connectionTimeoutMs);
    }

    public static PoolSettings defaults() {
        return new PoolSettings(2, 10, 5000);
    }

    /** Reads the three variables, falling back to {@link #defaults()} for each one unset. */
    public static PoolSettings fromEnvironment(Map<String, String> env) {
        PoolSettings d = defaults();
        return new PoolSettings(
                (int) number(env, MIN_ENV, d.min()),
                (int) number(env, MAX_ENV, d.max()),
                number(env, TIMEOUT_ENV, d.connectionTimeoutMs()));
    }

    private static long number(Map<String, String> env, String name, long fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) return fallback;
        try {
            long n = Long.parseLong(v.strip());
            if (n > Integer.MAX_VALUE) throw invalid(name + " is too large: " + v);
            return n;
        } catch (NumberFormatException e) {
            throw invalid(name + " must be a whole number, got '" + v + "'");
        }
    }

    private static BatonException.Invalid invalid(String message) {
        return new BatonException.Invalid("config.database-pool.invalid", message);
    }
}
