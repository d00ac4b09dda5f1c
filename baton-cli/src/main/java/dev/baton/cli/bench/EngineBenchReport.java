package dev.baton.cli.bench;

import dev.baton.cli.bench.EngineBench.ConcurrencyResult;
import dev.baton.cli.bench.EngineBench.OverheadResult;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of {@code bench engine}: printed in sections and a summary table (each figure beside its target,
 * PASS or MISS), and as a JSON tree for {@code bench/out/engine-<timestamp>.json}. A part that did not run or
 * failed to run keeps its reason in place of its figures.
 */
final class EngineBenchReport {
    static final double OVERHEAD_TARGET_MS = 5.0;
    static final double RSS_TARGET_MB = 200.0;

    /** One line of the summary. {@code result} is PASS, MISS, INFO (no target), SKIP or ERROR. */
    record Row(String figure, String measured, String target, String result) {
    }

    final Map<String, Object> machine = new LinkedHashMap<>();
    OverheadResult overhead;
    String overheadError;
    final List<ConcurrencyResult> concurrency = new ArrayList<>();
    final List<String> concurrencyErrors = new ArrayList<>();
    ServerRssProbe.Result rss;
    String rssError;

    // ------------------------------------------------------------------------------------------------ text

    void printOverhead(PrintWriter out) {
        OverheadResult o = overhead;
        out.printf("  %d tasks in %.2f s: %.1f tasks/s (wall time from start() to WorkflowCompleted; creating the workflow took %.0f ms)%n",
                o.works() * o.tasksPerWork(), o.wallSeconds(), o.tasksPerSecond(), o.createNanos() / 1e6);
        out.println();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"ms per task", "n", "median", "p90", "p99", "max", "mean"});
        rows.add(statsRow("overhead, all tasks", o.overhead()));
        rows.add(statsRow("overhead, excl. first task of each work", o.overheadNotFirst()));
        rows.add(statsRow("overhead, first task of each work", o.overheadFirst()));
        rows.add(statsRow("agent time (query() call, excluded)", o.agent()));
        rows.add(statsRow("task interval (overhead + agent)", o.interval()));
        rows.add(statsRow("checkpoint per work (between tasks)", o.checkpoint()));
        printTable(out, "  ", rows);
        out.println();
        out.println("  Where the overhead of a task goes (tasks after the first of their work):");
        rows = new ArrayList<>();
        rows.add(new String[]{"step", "median", "p90", "mean"});
        rows.add(phaseRow("previous task saved, task saved IN_PROGRESS, QuerySent recorded", o.phases().get("beforeQuery")));
        rows.add(phaseRow("QuerySent → query() called", o.phases().get("dispatch")));
        rows.add(phaseRow("query() returned → QueryResponded recorded", o.phases().get("respond")));
        rows.add(phaseRow("git add per worktree, report file and row, ReportGenerated", o.phases().get("report")));
        printTable(out, "    ", rows);
        if (!o.gitCommands().isEmpty()) {
            out.println();
            out.println("  git commands during the measured run (each a process; `add` is the per-task staging, the rest checkpoints and worktrees):");
            List<String[]> gitRows = new ArrayList<>();
            gitRows.add(new String[]{"git", "count", "median", "p90", "total"});
            // GitCli names a command by its first argument: a commit, which starts with "-c user.name=…", shows as "-c".
            o.gitCommands().forEach((sub, st) -> gitRows.add(new String[]{"-c".equals(sub) ? "-c (commit)" : sub, Integer.toString(st.count()), fmt("%.2f ms", st.median()),
                    fmt("%.2f ms", st.p90()), fmt("%.0f ms", st.mean() * st.count())}));
            printTable(out, "    ", gitRows);
        }
        if (o.incomplete() > 0) out.printf("  (%d tasks lacked a mark and are left out)%n", o.incomplete());
    }

    void printConcurrency(PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"limits (workflows/agents)", "completed", "failed", "unfinished", "exceptions", "ERROR logs", "wall", "tasks/s"});
        for (ConcurrencyResult c : concurrency) {
            rows.add(new String[]{c.label(), c.completed() + "/" + c.workflows(), Integer.toString(c.failed()), Integer.toString(c.notFinished()),
                    Integer.toString(c.exceptions()), Integer.toString(c.errorLogLines()), fmt("%.2f s", c.wallSeconds()), fmt("%.1f", c.tasksPerSecond())});
        }
        printTable(out, "  ", rows);
        for (ConcurrencyResult c : concurrency) {
            if (!c.errorMessages().isEmpty()) {
                out.println("  errors with limits " + c.label() + " (first 5 of " + c.errorMessages().size() + "; all in the JSON):");
                c.errorMessages().stream().limit(5).forEach(m -> out.println("    " + oneLine(m)));
            }
            if (c.errorLogLines() > 0 && c.errorMessages().isEmpty()) {
                out.println("  ERROR log lines with limits " + c.label() + " (first of " + c.errorLogLines() + "; see the log):");
                c.errorLogMessages().stream().limit(5).forEach(m -> out.println("    " + oneLine(m)));
            }
        }
        for (String e : concurrencyErrors) out.println("  could not run: " + e);
    }

    void printRss(PrintWriter out) {
        if (rssError != null) {
            out.println("  could not measure: " + rssError);
            return;
        }
        if (!rss.measured()) {
            out.println("  skipped: " + rss.skipped());
            return;
        }
        out.println("  command: " + String.join(" ", rss.command()) + " (PORT, BATON_DATA_DIR=<temp>, BATON_HOME)");
        out.printf("  VmRSS samples (MB of 10^6 bytes) after %d s idle: %s → median %.1f MB%n", rss.idleSeconds(),
                String.join(" ", rss.samplesMb().stream().map(v -> fmt("%.1f", v)).toList()), rss.medianMb());
        out.printf("  SIGTERM → exit status %d after %.1f s%s%n", rss.exitCode(), rss.stopNanos() / 1e9,
                rss.exitCode() == 143 ? " (128 + SIGTERM: the JVM's status after a shutdown by signal)" : "");
    }

    List<Row> summary() {
        List<Row> rows = new ArrayList<>();
        String target = fmt("≤ %.0f ms", OVERHEAD_TARGET_MS);
        if (overhead != null) {
            int n = overhead.works() * overhead.tasksPerWork();
            rows.add(new Row("overhead per task, median (all " + n + " tasks)", fmt("%.2f ms", overhead.overhead().median()), target,
                    passOrMiss(overhead.overhead().median() <= OVERHEAD_TARGET_MS)));
            rows.add(new Row("overhead per task, median (excl. first of each work)", fmt("%.2f ms", overhead.overheadNotFirst().median()), target,
                    passOrMiss(overhead.overheadNotFirst().median() <= OVERHEAD_TARGET_MS)));
            rows.add(new Row("overhead per task, p99 (all tasks)", fmt("%.2f ms", overhead.overhead().p99()), "-", "INFO"));
            rows.add(new Row("throughput, 1 workflow of " + n + " noop tasks", fmt("%.1f tasks/s", overhead.tasksPerSecond()), "-", "INFO"));
        } else if (overheadError != null) {
            rows.add(new Row("overhead per task, median", "not measured", target, overheadError.startsWith("skipped") ? "SKIP" : "ERROR"));
        }
        for (ConcurrencyResult c : concurrency) {
            rows.add(new Row(c.workflows() + " concurrent workflows, limits " + c.label(),
                    c.errors() + (c.errors() == 1 ? " error, " : " errors, ") + c.completed() + "/" + c.workflows() + " completed", "0 errors", passOrMiss(c.clean())));
            rows.add(new Row("  throughput, limits " + c.label(), fmt("%.1f tasks/s", c.tasksPerSecond()), "-", "INFO"));
        }
        if (concurrency.isEmpty() && !concurrencyErrors.isEmpty()) {
            rows.add(new Row("concurrent workflows", "not measured", "0 errors", "ERROR"));
        }
        String rssTarget = fmt("≤ %.0f MB", RSS_TARGET_MB);
        if (rss != null && rss.measured()) {
            rows.add(new Row("server idle RSS (median of " + rss.samplesMb().size() + ")", fmt("%.1f MB", rss.medianMb()), rssTarget,
                    passOrMiss(rss.medianMb() <= RSS_TARGET_MB)));
        } else if (rss != null) {
            rows.add(new Row("server idle RSS", "not measured", rssTarget, "SKIP"));
        } else if (rssError != null) {
            rows.add(new Row("server idle RSS", "not measured", rssTarget, "ERROR"));
        }
        return rows;
    }

    void printSummary(PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"figure", "measured", "target", "result"});
        for (Row r : summary()) rows.add(new String[]{r.figure(), r.measured(), r.target(), r.result()});
        printTable(out, "  ", rows);
    }

    // ------------------------------------------------------------------------------------------------ JSON

    Map<String, Object> toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("bench", "engine");
        root.put("machine", machine);
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("overheadMedianMs", OVERHEAD_TARGET_MS);
        targets.put("concurrentErrors", 0);
        targets.put("serverIdleRssMb", RSS_TARGET_MB);
        root.put("targets", targets);
        if (overhead != null) {
            OverheadResult o = overhead;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("works", o.works());
            m.put("tasksPerWork", o.tasksPerWork());
            m.put("tasks", o.works() * o.tasksPerWork());
            m.put("warmupTasks", o.warmupTasks());
            m.put("measuredTasks", o.measuredTasks());
            m.put("incompleteTasks", o.incomplete());
            m.put("createMs", Stats.round3(o.createNanos() / 1e6));
            m.put("wallMs", Stats.round3(o.wallNanos() / 1e6));
            m.put("tasksPerSecond", Stats.round3(o.tasksPerSecond()));
            m.put("overheadMs", o.overhead().toJson());
            m.put("overheadExcludingFirstOfWorkMs", o.overheadNotFirst().toJson());
            m.put("overheadFirstOfWorkMs", o.overheadFirst().toJson());
            m.put("agentMs", o.agent().toJson());
            m.put("taskIntervalMs", o.interval().toJson());
            m.put("checkpointPerWorkMs", o.checkpoint().toJson());
            Map<String, Object> phases = new LinkedHashMap<>();
            o.phases().forEach((k, v) -> phases.put(k, v.toJson()));
            m.put("overheadStepsMs", phases);
            Map<String, Object> git = new LinkedHashMap<>();
            o.gitCommands().forEach((k, v) -> git.put(k, v.toJson()));
            m.put("gitCommandsMs", git);
            root.put("overhead", m);
        } else if (overheadError != null) {
            root.put("overhead", Map.of("error", overheadError));
        }
        List<Object> cs = new ArrayList<>();
        for (ConcurrencyResult c : concurrency) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("workflowMaxConcurrent", c.workflowMaxConcurrent());
            m.put("agentMaxConcurrent", c.agentMaxConcurrent());
            m.put("workflows", c.workflows());
            m.put("tasksPerWorkflow", c.tasksPerWorkflow());
            m.put("completed", c.completed());
            m.put("failed", c.failed());
            m.put("unfinished", c.notFinished());
            m.put("exceptions", c.exceptions());
            m.put("errorLogLines", c.errorLogLines());
            m.put("errors", c.errors());
            m.put("errorMessages", c.errorMessages());
            m.put("errorLogMessages", c.errorLogMessages());
            m.put("createMs", Stats.round3(c.createNanos() / 1e6));
            m.put("wallMs", Stats.round3(c.wallNanos() / 1e6));
            m.put("tasksPerSecond", Stats.round3(c.tasksPerSecond()));
            cs.add(m);
        }
        for (String e : concurrencyErrors) cs.add(Map.of("error", e));
        root.put("concurrency", cs);
        if (rss != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (!rss.measured()) {
                m.put("skipped", rss.skipped());
            } else {
                m.put("medianMb", Stats.round3(rss.medianMb()));
                m.put("samplesMb", rss.samplesMb().stream().map(Stats::round3).toList());
                m.put("readyMs", Stats.round3(rss.readyNanos() / 1e6));
                m.put("idleSeconds", rss.idleSeconds());
                m.put("exitCodeAfterSigterm", rss.exitCode());
                m.put("stopMs", Stats.round3(rss.stopNanos() / 1e6));
                m.put("command", rss.command());
            }
            root.put("serverRss", m);
        } else if (rssError != null) {
            root.put("serverRss", Map.of("error", rssError));
        }
        List<Object> summary = new ArrayList<>();
        for (Row r : summary()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("figure", r.figure().strip());
            m.put("measured", r.measured());
            m.put("target", r.target());
            m.put("result", r.result());
            summary.add(m);
        }
        root.put("summary", summary);
        return root;
    }

    // --------------------------------------------------------------------------------------------- helpers

    /** A message on one line (git's output has several), at most 400 characters. */
    static String oneLine(String message) {
        String s = message.strip().replaceAll("\\s*\\R\\s*", " | ");
        return s.length() <= 400 ? s : s.substring(0, 399) + "…";
    }

    private static String passOrMiss(boolean pass) {
        return pass ? "PASS" : "MISS";
    }

    private static String[] statsRow(String label, Stats s) {
        return new String[]{label, Integer.toString(s.count()), fmt("%.2f", s.median()), fmt("%.2f", s.p90()), fmt("%.2f", s.p99()),
                fmt("%.2f", s.max()), fmt("%.2f", s.mean())};
    }

    private static String[] phaseRow(String label, Stats s) {
        return new String[]{label, fmt("%.2f ms", s.median()), fmt("%.2f ms", s.p90()), fmt("%.2f ms", s.mean())};
    }

    static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /** Columns two spaces apart, the first row a header; a column whose other cells all start with a digit is right-aligned. */
    static void printTable(PrintWriter out, String indent, List<String[]> rows) {
        int columns = rows.getFirst().length;
        int[] widths = new int[columns];
        boolean[] numeric = new boolean[columns];
        java.util.Arrays.fill(numeric, true);
        for (int r = 0; r < rows.size(); r++) {
            for (int i = 0; i < columns; i++) {
                String cell = rows.get(r)[i];
                widths[i] = Math.max(widths[i], cell.length());
                if (r > 0 && (cell.isEmpty() || !Character.isDigit(cell.charAt(0)))) numeric[i] = false;
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < columns; i++) {
                String pad = " ".repeat(widths[i] - row[i].length());
                line.append(numeric[i] && i > 0 ? pad + row[i] : row[i] + pad);
                if (i < columns - 1) line.append("  ");
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
