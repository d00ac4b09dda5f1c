package dev.baton.shared;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Identifiers of the form {@code wf-3kd9x0q2mz7a}: a kind prefix and 12 base-36 characters. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
    /** Ids a user may choose: letters, digits, dot, underscore, dash; no path separators. */
    public static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private Ids() {
    }

    public static String next(String prefix) {
        char[] out = new char[12];
        for (int i = 0; i < out.length; i++) out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        return prefix + "-" + new String(out);
    }

    public static boolean isSafe(String id) {
        return id != null && SAFE_ID.matcher(id).matches() && !id.contains("..");
    }
}
