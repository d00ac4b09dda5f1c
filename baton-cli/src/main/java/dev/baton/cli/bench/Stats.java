package dev.baton.cli.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Order statistics of a sample. Percentiles interpolate linearly between the two closest ranks (the
 * "R-7" definition of R, NumPy and spreadsheets): p50 of an even count is the mean of the two middle values,
 * p0 is the minimum and p100 the maximum.
 *
 * @param count  number of values
 * @param min    smallest value
 * @param median 50th percentile
 * @param p90    90th percentile
 * @param p99    99th percentile
 * @param max    largest value
 * @param mean   arithmetic mean
 */
public record Stats(int count, double min, double median, double p90, double p99, double max, double mean) {

    /** The statistics of {@code values}; all zero (count 0) for an empty sample. */
    public static Stats of(double[] values) {
        if (values.length == 0) return new Stats(0, 0, 0, 0, 0, 0, 0);
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (double v : sorted) sum += v;
        return new Stats(sorted.length, sorted[0], percentileOfSorted(sorted, 50), percentileOfSorted(sorted, 90),
                percentileOfSorted(sorted, 99), sorted[sorted.length - 1], sum / sorted.length);
    }

    public static Stats of(Collection<? extends Number> values) {
        return of(values.stream().mapToDouble(Number::doubleValue).toArray());
    }

    /**
     * The {@code p}-th percentile (0..100) of values sorted ascending.
     *
     * @throws IllegalArgumentException for an empty array or {@code p} outside 0..100
     */
    public static double percentileOfSorted(double[] sorted, double p) {
        if (sorted.length == 0) throw new IllegalArgumentException("no values");
        if (p < 0 || p > 100 || Double.isNaN(p)) throw new IllegalArgumentException("percentile must be within 0..100, was " + p);
        double rank = p / 100.0 * (sorted.length - 1);
        int lower = (int) Math.floor(rank);
        int upper = (int) Math.ceil(rank);
        double fraction = rank - lower;
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction;
    }

    public static double median(double[] values) {
        if (values.length == 0) throw new IllegalArgumentException("no values");
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return percentileOfSorted(sorted, 50);
    }

    /** Every value divided by {@code divisor}, e.g. nanoseconds to milliseconds with 1e6. */
    public Stats scaled(double divisor) {
        return new Stats(count, min / divisor, median / divisor, p90 / divisor, p99 / divisor, max / divisor, mean / divisor);
    }

    /** For the JSON file: values rounded to three decimals. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", count);
        m.put("min", round3(min));
        m.put("median", round3(median));
        m.put("p90", round3(p90));
        m.put("p99", round3(p99));
        m.put("max", round3(max));
        m.put("mean", round3(mean));
        return m;
    }

    static double round3(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
