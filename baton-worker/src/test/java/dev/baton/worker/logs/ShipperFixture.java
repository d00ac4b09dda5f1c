package dev.baton.worker.logs;

import dev.baton.agent.AgentStart;
import dev.baton.grpc.v1.LogEntry;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Pieces the shipper tests share: a loopback channel, quick backoff, numbered lines and the order check. */
final class ShipperFixture {
    static final Clock CLOCK = Clock.systemUTC();

    private ShipperFixture() {
    }

    static ManagedChannel channelTo(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    static void close(ManagedChannel channel) throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    static ShipperSettings settings(String workerId, String token) {
        return ShipperSettings.of(workerId, token).withBackoff(Duration.ofMillis(20), Duration.ofMillis(500));
    }

    static void writeLines(LogSpool spool, int from, int to, String padding) {
        for (int i = from; i <= to; i++) {
            spool.line("wf-1", "TASK-1", AgentStart.Source.STDOUT, "line " + i + padding, false);
        }
    }

    /** Every line 1..count exactly once and in order (by its number, and by ascending sequence). */
    static void assertExactlyOnceInOrder(List<LogEntry> lines, int count) {
        assertThat(lines).hasSize(count);
        for (int i = 0; i < count; i++) {
            String message = lines.get(i).getMessage();
            String expected = "line " + (i + 1);
            if (!message.equals(expected) && !message.startsWith(expected + " ")) {
                throw new AssertionError("entry " + i + " is '" + abbreviate(message) + "', expected '" + expected + "…'");
            }
        }
        assertThat(lines).extracting(LogEntry::getSequence).isSorted().doesNotHaveDuplicates();
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
