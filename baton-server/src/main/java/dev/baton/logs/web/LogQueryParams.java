package dev.baton.logs.web;

import dev.baton.logs.store.LogLevel;
import dev.baton.logs.store.LogQuery;
import dev.baton.logs.store.LogSource;
import dev.baton.shared.BatonException;
import dev.baton.shared.Problem;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The query parameters of {@code GET /workflows/{id}/logs} into a {@link LogQuery}; a bad one is a 400 that names it. */
public final class LogQueryParams {
    public static final int MAX_LIMIT = 10_000;

    private LogQueryParams() {
    }

    /**
     * @param level one level (that one and above) or a comma-separated set (exactly those)
     */
    public static LogQuery parse(String from, String to, String after, String limit, String level, String source, String task) {
        long afterOffset = after == null || after.isBlank() ? 0 : number("after", after, 0, Long.MAX_VALUE);
        int max = limit == null || limit.isBlank() ? LogQuery.DEFAULT_LIMIT : (int) number("limit", limit, 1, MAX_LIMIT);
        Instant f = instant("from", from);
        Instant t = instant("to", to);
        if (f != null && t != null && !t.isAfter(f)) throw invalid("to", "must be after 'from' (" + f + "), was " + t);
        LogLevel min = null;
        Set<LogLevel> set = null;
        if (level != null && !level.isBlank()) {
            if (level.contains(",")) {
                set = EnumSet.noneOf(LogLevel.class);
                for (String one : level.split(",")) if (!one.isBlank()) set.add(level(one));
            } else {
                min = level(level);
            }
        }
        LogSource src = null;
        if (source != null && !source.isBlank()) {
            try {
                src = LogSource.parse(source);
            } catch (IllegalArgumentException e) {
                throw invalid("source", "must be stdout, stderr or worker, was '" + source + "'");
            }
        }
        return new LogQuery(afterOffset, f, t, max, min, set, src, task == null || task.isBlank() ? null : task);
    }

    /** The offset in a {@code Last-Event-ID} header (a reconnecting SSE client), or null. */
    public static Long lastEventId(String header) {
        if (header == null || header.isBlank()) return null;
        return number("Last-Event-ID", header.strip(), 0, Long.MAX_VALUE);
    }

    private static LogLevel level(String name) {
        try {
            return LogLevel.parse(name);
        } catch (IllegalArgumentException e) {
            throw invalid("level", "must be DEBUG, INFO, WARN or ERROR (or a comma-separated set), was '" + name.strip() + "'");
        }
    }

    private static long number(String param, String value, long min, long max) {
        try {
            long n = Long.parseLong(value.strip());
            if (n < min || n > max) throw invalid(param, "must be between " + min + " and " + max + ", was " + n);
            return n;
        } catch (NumberFormatException e) {
            throw invalid(param, "must be a whole number, was '" + value + "'");
        }
    }

    private static Instant instant(String param, String value) {
        if (value == null || value.isBlank()) return null;
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(value.strip()).toInstant();
            } catch (DateTimeParseException e2) {
                throw invalid(param, "must be an ISO-8601 instant such as 2026-12-01T10:00:00Z, was '" + value + "'");
            }
        }
    }

    private static BatonException.Invalid invalid(String param, String why) {
        return new BatonException.Invalid("logs.query", "parameter '" + param + "' " + why, List.of(Problem.at(param, why)));
    }
}
