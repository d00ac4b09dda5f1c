package dev.baton.cli.bench;

import dev.baton.cli.bench.EngineBenchReport.Row;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.baton.cli.bench.EngineBenchReport.fmt;
import static dev.baton.cli.bench.EngineBenchReport.printTable;

/**
 * The figures of {@code bench ping}: each path's latency from the start of a spec write to a subscriber's
 * handler, the comparison with seed 000's Watchman → NATS bridge, and the targets (p50 ≤ 3 ms, p99 ≤ 10 ms,
 * p99 at least 3× the baseline's). Targets apply to "any subscriber", every (write, subscriber) delivery.
 */
final class PingBenchReport {
    static final double P50_TARGET_MS = 3.0;
    static final double P99_TARGET_MS = 10.0;
    static final double BASELINE_RATIO_TARGET = 3.0;
    /** Above this share of busy CPU the machine, not the path, sets the latency. */
    static final double SATURATED = 0.85;

    /** A phase's result, or why it has none ({@code skipped}: something it needs is not here). */
    record Outcome(PingPhase.Key key, PingPhase.Result result, String error, boolean skipped) {
    }

    final Map<String, Object> machine = new LinkedHashMap<>();
    final Map<String, Object> settings = new LinkedHashMap<>();
    final List<Outcome> outcomes = new ArrayList<>();

    // ------------------------------------------------------------------------------------------------ text

    static void printPhase(PrintWriter out, Outcome o) {
        if (o.result() == null) {
            out.println("  " + (o.skipped() ? "not measured: " : "could not run: ") + o.error());
            return;
        }
        PingPhase.Result r = o.result();
        PacedWriters.Result w = r.writers();
        PingLatencyLog.Result l = r.latency();
        out.println("  publisher: " + r.mechanism());
        out.printf("  %d writes at %.1f/s (write call p50 %.2f ms, p99 %.2f ms; started late vs schedule p99 %.2f ms); %d deliveries missing%n",
                l.writes(), w.writesPerSecond(), w.duration().median(), w.duration().p99(), w.lag().p99(), l.missing());
        if (r.cpuBusy() >= 0) {
            out.printf("  machine CPU while writing (all processes): %.0f%% busy, %.0f%% waiting for the disk%s%n", r.cpuBusy() * 100, r.cpuIowait() * 100,
                    r.cpuBusy() >= SATURATED ? " — saturated: the figures include queueing for the CPU" : "");
        }
        if (w.failed() > 0) out.println("  " + w.failed() + " writes failed, e.g. " + w.failures().getFirst());
        if (l.overlaps() > 0) out.println("  " + l.overlaps() + " writes began while the previous write of their file was still unheard (latency > files/rate)");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"ms from write start to handler", "n", "p50", "p90", "p99", "max", "mean"});
        rows.add(statsRow("any subscriber (every delivery)", l.anySubscriber()));
        rows.add(statsRow("first subscriber of each write", l.firstSubscriber()));
        rows.add(statsRow("last subscriber of each write", l.lastSubscriber()));
        if (l.fromPublish().count() > 0) rows.add(statsRow("bus only: publish call → handler", l.fromPublish()));
        printTable(out, "  ", rows);
    }

    void printComparison(PrintWriter out) {
        Stats baseline = baselineAny();
        Stats baselineLast = baselineLast();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"path", "writes/s", "p50 any", "p99 any", "max any", "p50 last", "p99 last", "max last", "missing",
                "baseline p99 ÷ p99 (any / last)"});
        for (Outcome o : outcomes) {
            if (o.result() == null) {
                rows.add(new String[]{o.key().label(), "-", "-", "-", "-", "-", "-", "-", "-", o.skipped() ? "not measured" : "error"});
                continue;
            }
            PingLatencyLog.Result l = o.result().latency();
            String ratio = o.key().source() == PingPhase.Source.BASELINE || baseline == null ? "-"
                    : fmt("%s / %s", ratio(baseline.p99(), l.anySubscriber().p99()), ratio(baselineLast.p99(), l.lastSubscriber().p99()));
            rows.add(new String[]{o.key().label(), fmt("%.1f", o.result().writers().writesPerSecond()), ms(l.anySubscriber().median()),
                    ms(l.anySubscriber().p99()), ms(l.anySubscriber().max()), ms(l.lastSubscriber().median()), ms(l.lastSubscriber().p99()),
                    ms(l.lastSubscriber().max()), Long.toString(l.missing()), ratio});
        }
        printTable(out, "  ", rows);
    }

    List<Row> summary() {
        List<Row> rows = new ArrayList<>();
        Stats baseline = baselineAny();
        String p50Target = fmt("≤ %.0f ms", P50_TARGET_MS);
        String p99Target = fmt("≤ %.0f ms", P99_TARGET_MS);
        String ratioTarget = fmt("≥ %.0f×", BASELINE_RATIO_TARGET);
        for (Outcome o : outcomes) {
            String label = o.key().label();
            if (o.key().source() == PingPhase.Source.BASELINE) {
                if (o.result() == null) rows.add(new Row(label + ", p99", "not measured", "-", o.skipped() ? "SKIP" : "ERROR"));
                else rows.add(new Row(label + ", p50 / p99", ms(o.result().latency().anySubscriber().median()) + " / "
                        + ms(o.result().latency().anySubscriber().p99()), "-", "INFO"));
                continue;
            }
            if (o.result() == null) {
                rows.add(new Row(label, "not measured", p99Target, o.skipped() ? "SKIP" : "ERROR"));
                continue;
            }
            Stats any = o.result().latency().anySubscriber();
            boolean complete = o.result().latency().missing() == 0;
            rows.add(new Row(label + ", p50", ms(any.median()), p50Target, passOrMiss(complete && any.median() <= P50_TARGET_MS)));
            rows.add(new Row(label + ", p99", ms(any.p99()), p99Target, passOrMiss(complete && any.p99() <= P99_TARGET_MS)));
            if (baseline == null) rows.add(new Row(label + ", baseline p99 ÷ p99", "no baseline", ratioTarget, "SKIP"));
            else rows.add(new Row(label + ", baseline p99 ÷ p99", ratio(baseline.p99(), any.p99()), ratioTarget,
                    passOrMiss(complete && baseline.p99() / any.p99() >= BASELINE_RATIO_TARGET)));
        }
        return rows;
    }

    void printSummary(PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"figure (any subscriber)", "measured", "target", "result"});
        for (Row r : summary()) rows.add(new String[]{r.figure(), r.measured(), r.target(), r.result()});
        printTable(out, "  ", rows);
    }

    // ------------------------------------------------------------------------------------------------ JSON

    Map<String, Object> toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("bench", "ping");
        root.put("machine", machine);
        root.put("settings", settings);
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("p50Ms", P50_TARGET_MS);
        targets.put("p99Ms", P99_TARGET_MS);
        targets.put("baselineP99Ratio", BASELINE_RATIO_TARGET);
        targets.put("appliesTo", "anySubscriber");
        root.put("targets", targets);
        Map<String, Object> phases = new LinkedHashMap<>();
        Stats baseline = baselineAny();
        Stats baselineLast = baselineLast();
        for (Outcome o : outcomes) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", o.key().label());
            if (o.result() == null) {
                m.put(o.skipped() ? "notMeasured" : "error", o.error());
                phases.put(o.key().name(), m);
                continue;
            }
            PingPhase.Result r = o.result();
            PingLatencyLog.Result l = r.latency();
            m.put("publisher", r.mechanism());
            if (r.bridge() != null) {
                m.put("watchmanVersion", r.bridge().watchmanVersion());
                m.put("watchmanWatcher", r.bridge().watcher());
                m.put("watchmanSettleMs", r.bridge().settleMs());
                m.put("node", r.bridge().nodeVersion());
            }
            m.put("writes", l.writes());
            m.put("writesPerSecond", Stats.round3(r.writers().writesPerSecond()));
            m.put("writeCallMs", r.writers().duration().toJson());
            m.put("writeStartLagMs", r.writers().lag().toJson());
            m.put("failedWrites", r.writers().failed());
            m.put("writeFailures", r.writers().failures());
            m.put("anySubscriberMs", l.anySubscriber().toJson());
            m.put("firstSubscriberMs", l.firstSubscriber().toJson());
            m.put("lastSubscriberMs", l.lastSubscriber().toJson());
            m.put("busOnlyPublishToHandlerMs", l.fromPublish().toJson());
            m.put("missingDeliveries", l.missing());
            m.put("machineCpuBusyWhileWriting", Stats.round3(r.cpuBusy()));
            m.put("machineCpuIowaitWhileWriting", Stats.round3(r.cpuIowait()));
            m.put("pingsBeforeWrites", r.strayBeforeWrites());
            m.put("pingsAnsweringNoWrite", l.stray() - r.strayBeforeWrites());
            m.put("overlappingWrites", l.overlaps());
            if (baseline != null && o.key().source() != PingPhase.Source.BASELINE) {
                m.put("baselineP99RatioAnySubscriber", Stats.round3(baseline.p99() / l.anySubscriber().p99()));
                m.put("baselineP99RatioLastSubscriber", Stats.round3(baselineLast.p99() / l.lastSubscriber().p99()));
            }
            phases.put(o.key().name(), m);
        }
        root.put("phases", phases);
        List<Object> summary = new ArrayList<>();
        for (Row r : summary()) summary.add(Map.of("figure", r.figure(), "measured", r.measured(), "target", r.target(), "result", r.result()));
        root.put("summary", summary);
        return root;
    }

    // --------------------------------------------------------------------------------------------- helpers

    private PingPhase.Result baselineResult() {
        for (Outcome o : outcomes) {
            if (o.key().source() == PingPhase.Source.BASELINE && o.result() != null && o.result().latency().anySubscriber().count() > 0) return o.result();
        }
        return null;
    }

    private Stats baselineAny() {
        PingPhase.Result r = baselineResult();
        return r == null ? null : r.latency().anySubscriber();
    }

    private Stats baselineLast() {
        PingPhase.Result r = baselineResult();
        return r == null ? null : r.latency().lastSubscriber();
    }

    private static String ratio(double baselineMs, double ms) {
        return ms > 0 ? fmt("%.1f×", baselineMs / ms) : "-";
    }

    private static String ms(double v) {
        return fmt("%.2f ms", v);
    }

    private static String passOrMiss(boolean pass) {
        return pass ? "PASS" : "MISS";
    }

    private static String[] statsRow(String label, Stats s) {
        return new String[]{label, Integer.toString(s.count()), fmt("%.2f", s.median()), fmt("%.2f", s.p90()), fmt("%.2f", s.p99()),
                fmt("%.2f", s.max()), fmt("%.2f", s.mean())};
    }
}
