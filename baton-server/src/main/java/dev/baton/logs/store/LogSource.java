package dev.baton.logs.store;

import java.util.Locale;

/** Where a line came from; the codes are the proto's enum numbers. */
public enum LogSource {
    UNSPECIFIED, STDOUT, STDERR, WORKER;

    private static final LogSource[] BY_CODE = values();

    public int code() {
        return ordinal();
    }

    public static LogSource ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : UNSPECIFIED;
    }

    public static LogSource parse(String name) {
        return valueOf(name.strip().toUpperCase(Locale.ROOT));
    }

    /** Lower-case, as people write it: stdout, stderr. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
