package dev.baton.cli.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class StatsTest {

    @Test
    void medianOfAnOddCountIsTheMiddleValueWhateverTheOrder() {
        assertThat(Stats.median(new double[]{9, 1, 5})).isEqualTo(5);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
        assertThat(Stats.median(new double[]{4, 1, 3, 2})).isEqualTo(2.5);
    }

    @Test
    void percentilesInterpolateBetweenTheClosestRanks() {
        double[] sorted = new double[101];
        for (int i = 0; i <= 100; i++) sorted[i] = i; // 0..100: the p-th percentile is p itself

        assertThat(Stats.percentileOfSorted(sorted, 90)).isEqualTo(90);
        assertThat(Stats.percentileOfSorted(sorted, 99)).isEqualTo(99);
        assertThat(Stats.percentileOfSorted(new double[]{10, 20}, 90)).isCloseTo(19, within(1e-9));
        assertThat(Stats.percentileOfSorted(new double[]{10, 20, 30, 40}, 0)).isEqualTo(10);
        assertThat(Stats.percentileOfSorted(new double[]{10, 20, 30, 40}, 100)).isEqualTo(40);
    }

    @Test
    void summaryOfASample() {
        Stats s = Stats.of(List.of(3, 1, 2, 10, 4));

        assertThat(s.count()).isEqualTo(5);
        assertThat(s.min()).isEqualTo(1);
        assertThat(s.median()).isEqualTo(3);
        assertThat(s.p90()).isCloseTo(7.6, within(1e-9)); // rank 3.6 between 4 and 10
        assertThat(s.max()).isEqualTo(10);
        assertThat(s.mean()).isEqualTo(4);
        assertThat(s.scaled(2).median()).isEqualTo(1.5);
    }

    @Test
    void anEmptySampleIsAllZeroAndPercentilesOfNothingAreRefused() {
        assertThat(Stats.of(new double[0])).isEqualTo(new Stats(0, 0, 0, 0, 0, 0, 0));
        assertThatThrownBy(() -> Stats.percentileOfSorted(new double[0], 50)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Stats.percentileOfSorted(new double[]{1}, 101)).isInstanceOf(IllegalArgumentException.class);
    }
}
