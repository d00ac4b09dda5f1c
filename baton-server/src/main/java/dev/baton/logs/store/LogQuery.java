package dev.baton.logs.store;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * What to read from a log. Every filter is optional (null or empty: no filter).
 *
 * @param after    only lines with a greater offset (0: from the start)
 * @param from     only lines captured at or after this instant
 * @param to       only lines captured before this instant
 * @param limit    at most this many lines per page
 * @param minLevel only lines at this level or above
 * @param levels   only lines at one of these levels
 * @param source   only lines from this source
 * @param taskId   only lines of this task
 */
public record LogQuery(long after, Instant from, Instant to, int limit, LogLevel minLevel, Set<LogLevel> levels, LogSource source,
                       String taskId) {

    public static final int DEFAULT_LIMIT = 1000;

    public LogQuery {
        if (after < 0) throw new IllegalArgumentException("after must not be negative, was " + after);
        if (limit < 1) throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        levels = levels == null || levels.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(levels));
        if (taskId != null && taskId.isEmpty()) taskId = null;
    }

    public static LogQuery all() {
        return new LogQuery(0, null, null, DEFAULT_LIMIT, null, null, null, null);
    }

    public LogQuery withAfter(long newAfter) {
        return new LogQuery(newAfter, from, to, limit, minLevel, levels, source, taskId);
    }

    public LogQuery withLimit(int newLimit) {
        return new LogQuery(after, from, to, newLimit, minLevel, levels, source, taskId);
    }

    long fromNanos() {
        return from == null ? Long.MIN_VALUE : Records.nanos(from);
    }

    long toNanos() {
        return to == null ? Long.MAX_VALUE : Records.nanos(to);
    }

    /** The filters that do not need the message: decided before the message is decoded. */
    boolean matches(long timestampNanos, LogLevel level, LogSource src, String task) {
        if (timestampNanos < fromNanos() || timestampNanos >= toNanos()) return false;
        if (minLevel != null && level.ordinal() < minLevel.ordinal()) return false;
        if (!levels.isEmpty() && !levels.contains(level)) return false;
        if (source != null && src != source) return false;
        return taskId == null || taskId.equals(task);
    }

    boolean matches(LogLine line) {
        return matches(Records.nanos(line.timestamp()), line.level(), line.source(), line.taskId());
    }
}
