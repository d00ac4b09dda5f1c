package dev.baton.spec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of a spec file's content: how a change is noticed even when the writer (an outside agent) did not
 * touch {@code version}.
 */
public final class SpecFingerprint {

    private SpecFingerprint() {
    }

    /** Lower-case hex SHA-256 of the UTF-8 bytes of {@code content}. */
    public static String sha256(String content) {
        return sha256(content.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
