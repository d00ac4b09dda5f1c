package dev.baton.logs.store;

import java.util.Locale;

/** Severity of a stored line; the codes are the proto's enum numbers, so they can be stored as one byte. */
public enum LogLevel {
    UNSPECIFIED, DEBUG, INFO, WARN, ERROR;

    private static final LogLevel[] BY_CODE = values();

    public int code() {
        return ordinal();
    }

    public static LogLevel ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : UNSPECIFIED;
    }

    /** Case-insensitive name; {@code WARNING} is accepted for WARN. */
    public static LogLevel parse(String name) {
        String n = name.strip().toUpperCase(Locale.ROOT);
        if (n.equals("WARNING")) return WARN;
        return valueOf(n);
    }
}
