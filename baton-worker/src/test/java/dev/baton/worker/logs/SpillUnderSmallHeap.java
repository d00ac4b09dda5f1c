package dev.baton.worker.logs;

import dev.baton.worker.testing.RecordingLogServer;
import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Run in a child JVM with a small heap by {@link SpoolHeapBoundTest}: spools {@code args[1]} MiB of lines to a
 * server that stops requesting after its first batch, so nearly all of it must go to disk, then prints what it
 * held and its peak resident memory (VmHWM) as {@code key=value} lines.
 */
public final class SpillUnderSmallHeap {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long mebibytes = Long.parseLong(args[1]);
        String padding = " " + "h".repeat(1010);
        long lines = mebibytes * 1024;
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (RecordingLogServer server = RecordingLogServer.start();
             LogSpool spool = LogSpool.open(dir, SpoolSettings.defaults(), meters, Clock.systemUTC())) {
            server.pause();
            ManagedChannel channel = ShipperFixture.channelTo(server.port());
            long maxDisk = 0;
            try (LogShipper shipper = LogShipper.start(channel, spool, ShipperFixture.settings("w-heap", null), meters)) {
                ShipperFixture.writeLines(spool, 1, 1, "");
                for (long i = 2; i <= lines; i += 1024) {
                    ShipperFixture.writeLines(spool, (int) i, (int) Math.min(lines, i + 1023), padding);
                    maxDisk = Math.max(maxDisk, spool.diskBytes());
                }
                System.out.println("lines=" + spool.lastSequence());
                System.out.println("peakMemoryBytes=" + spool.peakMemoryBytes());
                System.out.println("maxDiskBytes=" + maxDisk);
                System.out.println("dropped=" + (long) meters.counter("worker.logs.dropped.lines").count());
                System.out.println("received=" + server.store().count("w-heap"));
            } finally {
                ShipperFixture.close(channel);
            }
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) System.out.println("VmHWM=" + line.substring(6).trim());
        }
        System.out.println("maxHeap=" + Runtime.getRuntime().maxMemory());
    }
}
