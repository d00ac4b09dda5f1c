package dev.baton.ops.logging;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The secrets of {@code secrets-corpus.txt}, and the check that a log output gives none of them away. */
public final class SecretsCorpus {
    /** The extra pattern the corpus's configured-pattern entry needs (LOG_MASK_PATTERNS). */
    public static final String EXTRA_PATTERN = "ACME-INTERNAL-[0-9]+";

    /** @param keepsPrefix an API key: its first 4 characters must show, followed by {@code ***} */
    public record Secret(boolean keepsPrefix, String secret, String template) {
        public String inText() {
            return template.formatted(secret);
        }
    }

    public static final List<Secret> ALL = load();

    private SecretsCorpus() {
    }

    /** No secret appears in the output; every API key that was logged shows as its first 4 characters and {@code ***}. */
    public static void assertNoSecretIn(String output) {
        for (Secret s : ALL) {
            assertThat(output).as("log output leaks %s", s.secret()).doesNotContain(s.secret());
            // A long enough tail of the secret must not show either (a masking that dropped only the prefix).
            assertThat(output).as("log output leaks the end of %s", s.secret()).doesNotContain(s.secret().substring(4));
            if (s.keepsPrefix()) assertThat(output).contains(s.secret().substring(0, 4) + "***");
        }
    }

    private static List<Secret> load() {
        try (InputStream in = SecretsCorpus.class.getResourceAsStream("/secrets-corpus.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .map(l -> l.split("\\|", 3))
                    .map(f -> new Secret(f[0].equals("prefix"), f[1], f[2]))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
