package dev.baton.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How times, durations and long texts look in tables and progress lines. */
final class Formats {

    static final String NONE = "-";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter DATE_MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private Formats() {
    }

    static String time(Instant at, ZoneId zone) {
        return at == null ? NONE : TIME.format(at.atZone(zone));
    }

    static String dateTime(Instant at, ZoneId zone) {
        return at == null ? NONE : DATE_TIME.format(at.atZone(zone));
    }

    /** Minutes are enough to tell list rows apart and keep the table narrow. */
    static String dateMinute(Instant at, ZoneId zone) {
        return at == null ? NONE : DATE_MINUTE.format(at.atZone(zone));
    }

    /** 350ms, 8.3s, 3m04s, 2h05m: short, and precise where precision matters. */
    static String duration(long millis) {
        if (millis < 0) millis = 0;
        if (millis < 1_000) return millis + "ms";
        if (millis < 60_000) return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
        long seconds = millis / 1000;
        if (seconds < 3600) return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }

    /** Time from start to end, or to now with a trailing "…" while still running; "-" when never started. */
    static String elapsed(Instant start, Instant end, Clock clock) {
        if (start == null) return NONE;
        if (end == null) return duration(Duration.between(start, clock.instant()).toMillis()) + "…";
        return duration(Duration.between(start, end).toMillis());
    }

    static String shortSha(String sha) {
        return sha == null ? NONE : sha.length() > 7 ? sha.substring(0, 7) : sha;
    }

    /** The first line of a text, cut to {@code max} characters, for one-line displays of queries and errors. */
    static String oneLine(String text, int max) {
        if (text == null) return NONE;
        String first = text.strip().lines().findFirst().orElse("");
        boolean cut = first.length() > max || text.strip().contains("\n");
        if (first.length() > max) first = first.substring(0, Math.max(0, max - 1));
        return cut ? first + "…" : first;
    }

    static String orNone(Object value) {
        return value == null || value.toString().isBlank() ? NONE : value.toString();
    }
}
