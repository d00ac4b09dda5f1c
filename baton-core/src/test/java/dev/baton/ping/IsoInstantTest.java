package dev.baton.ping;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written reader against the JDK's, on what Instant.toString writes and on near misses. */
class IsoInstantTest {

    @Test
    void readsWhatInstantToStringWritesAsTheJdkDoes() {
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextLong(-62_000_000_000L, 250_000_000_000L); // years 0005 to 9892
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(seconds, nanos);
            String text = t.toString();
            if (text.startsWith("+") || text.startsWith("-")) continue;
            assertThat(IsoInstant.parseUtc(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void leavesEverythingElseToTheJdk() {
        for (String text : new String[]{"2026-02-19T10:30:00+01:00", "2026-02-19 10:30:00Z", "2026-02-30T10:30:00Z",
                "2026-02-19T24:00:00Z", "2026-02-19T10:30:60Z", "2026-02-19T10:30:00.Z", "2026-02-19T10:30:00.1234567891Z",
                "yesterday", "2026-02-19T10:30Z", "+12026-02-19T10:30:00Z", "2026-0a-19T10:30:00Z"}) {
            assertThat(IsoInstant.parseUtc(text)).as(text).isNull();
        }
        assertThat(IsoInstant.parseUtc("2026-02-19T10:30:00.5Z")).isEqualTo(Instant.parse("2026-02-19T10:30:00.500Z"));
    }
}
