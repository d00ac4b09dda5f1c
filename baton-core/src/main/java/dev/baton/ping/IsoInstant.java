package dev.baton.ping;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * {@code yyyy-MM-ddTHH:mm:ss[.f…]Z}, the shape {@link Instant#toString} writes and other senders follow, read
 * without the JDK's general formatter (a few times faster; pings are decoded once per subscriber).
 */
final class IsoInstant {
    private IsoInstant() {
    }

    /** @return null when the text is not exactly that shape (the caller then asks {@link Instant#parse}) */
    static Instant parseUtc(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
        int nanos = 0;
        if (n > 20) {
            if (s.charAt(19) != '.' || n == 21) return null;
            int fraction = digits(s, 20, n - 1);
            if (fraction < 0) return null;
            nanos = fraction;
            for (int i = n - 1 - 20; i < 9; i++) nanos *= 10;
        } else if (s.charAt(19) != 'Z') {
            return null;
        }
        long days;
        try {
            days = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return null; // e.g. February 30: Instant.parse says what is wrong
        }
        return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The decimal number in {@code s[from, to)}, or -1 when a character is not a digit (at most 9 digits). */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
