package dev.baton.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's CPU time counters from {@code /proc/stat} (all processes, not just this JVM), so a run can tell
 * whether its figures show latency or a saturated machine. Absent where there is no {@code /proc}.
 *
 * @param busy   user + nice + system + irq + softirq + steal, in clock ticks
 * @param iowait time with nothing to run while waiting for the disk
 * @param total  all of it, idle included
 */
record CpuSample(long busy, long iowait, long total) {
    static final CpuSample NONE = new CpuSample(0, 0, 0);

    static CpuSample now() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).getFirst();
            String[] f = line.trim().split("\\s+"); // cpu user nice system idle iowait irq softirq steal ...
            long user = Long.parseLong(f[1]), nice = Long.parseLong(f[2]), system = Long.parseLong(f[3]), idle = Long.parseLong(f[4]);
            long iowait = Long.parseLong(f[5]), irq = Long.parseLong(f[6]), softirq = Long.parseLong(f[7]);
            long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            long busy = user + nice + system + irq + softirq + steal;
            return new CpuSample(busy, iowait, busy + idle + iowait);
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }

    /** The share of all CPUs busy between {@code earlier} and this sample, 0..1; -1 when unknown. */
    double busySince(CpuSample earlier) {
        long total = this.total - earlier.total;
        return earlier == NONE || this == NONE || total <= 0 ? -1 : (double) (busy - earlier.busy) / total;
    }

    /** The share of all CPUs idle waiting for the disk between {@code earlier} and this sample, 0..1; -1 when unknown. */
    double iowaitSince(CpuSample earlier) {
        long total = this.total - earlier.total;
        return earlier == NONE || this == NONE || total <= 0 ? -1 : (double) (iowait - earlier.iowait) / total;
    }
}
