package dev.baton.logs.store;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Lines and stores for the log store tests. */
final class LogFixtures {
    static final long T0 = 1_796_000_000_000_000_000L; // 2026-11-30, in nanoseconds
    static final Map<String, String> POD = Map.of("pod_name", "worker-0", "namespace", "baton", "node", "n1");

    private LogFixtures() {
    }

    static LogStore open(Path dir, LogStoreSettings settings) throws IOException {
        return LogStore.open(dir, settings, Clock.systemUTC(), new SimpleMeterRegistry());
    }

    /** Lines with sequences [from, to], one millisecond apart, task "task-<seq % 3>", level by seq. */
    static AppendBatch batch(String worker, String stream, String workflow, long from, long to) {
        List<NewLine> lines = new ArrayList<>();
        for (long s = from; s <= to; s++) lines.add(line(workflow, s));
        return new AppendBatch(worker, stream, lines);
    }

    static NewLine line(String workflow, long seq) {
        LogLevel level = seq % 10 == 0 ? LogLevel.ERROR : LogLevel.INFO;
        LogSource source = seq % 2 == 0 ? LogSource.STDERR : LogSource.STDOUT;
        return new NewLine(seq, T0 + seq * 1_000_000L, "task-" + (seq % 3), workflow, level, source, "line " + seq + " of " + workflow, POD,
                false, 0, 0);
    }

    static List<LogLine> readAll(LogStore store, String key, LogQuery q) {
        List<LogLine> out = new ArrayList<>();
        LogQuery page = q;
        while (true) {
            LogPage p = store.read(key, page);
            out.addAll(p.lines());
            if (p.lines().isEmpty() || p.nextAfter() <= page.after()) return out;
            page = page.withAfter(p.nextAfter());
        }
    }
}
