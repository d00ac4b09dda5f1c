package dev.baton.sdk;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SpecDeduplicatorTest {
    private final SpecDeduplicator seen = new SpecDeduplicator();

    private static SpecView view(String specId, long version, String sha256) {
        return new SpecView(specId, Path.of(specId + ".yaml"), version, sha256, null, List.of(), List.of(), "");
    }

    @Test
    void theSameContentIsHandedOverOnceHoweverOftenItIsAnnounced() {
        assertThat(seen.firstTime(view("s", 3, "aaa"))).isTrue();
        assertThat(seen.firstTime(view("s", 3, "aaa"))).as("the poller after the ping").isFalse();
        assertThat(seen.firstTime(view("s", 4, "bbb"))).isTrue();
        assertThat(seen.firstTime(view("other", 3, "aaa"))).as("specs are apart").isTrue();
    }

    @Test
    void aRewriteThatKeptTheVersionIsStillNews() {
        seen.firstTime(view("s", 3, "aaa"));

        assertThat(seen.firstTime(view("s", 3, "ccc"))).isTrue();
    }

    @Test
    void pingsAtOrBelowTheDeliveredVersionAreNotRead() {
        seen.firstTime(view("s", 5, "aaa"));

        assertThat(seen.worthReading("s", 4L, "old")).isFalse();
        assertThat(seen.worthReading("s", 5L, "zzz")).isFalse();
        assertThat(seen.worthReading("s", 6L, "bbb")).isTrue();
        assertThat(seen.worthReading("s", 6L, "aaa")).as("the content handed over already").isFalse();
        assertThat(seen.worthReading("s", null, null)).as("a seed 000 ping without a version").isTrue();
        assertThat(seen.worthReading("new", 1L, "x")).isTrue();
    }

    @Test
    void aDeletedSpecThatComesBackIsNewsAgain() {
        seen.firstTime(view("s", 5, "aaa"));
        seen.forget("s");

        assertThat(seen.worthReading("s", 1L, "aaa")).isTrue();
        assertThat(seen.firstTime(view("s", 5, "aaa"))).isTrue();
    }
}
