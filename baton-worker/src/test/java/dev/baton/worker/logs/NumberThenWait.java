package dev.baton.worker.logs;

import dev.baton.agent.AgentStart;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Clock;

/**
 * Run in a child JVM by {@link SpoolAfterKillTest}: opens the spool in {@code args[0]}, numbers {@code args[1]}
 * lines, acknowledges up to {@code args[2]}, prints {@code ready} and waits to be killed.
 */
public final class NumberThenWait {

    public static void main(String[] args) throws Exception {
        LogSpool spool = LogSpool.open(java.nio.file.Path.of(args[0]), SpoolSettings.defaults(), new SimpleMeterRegistry(), Clock.systemUTC());
        int lines = Integer.parseInt(args[1]);
        for (int i = 1; i <= lines; i++) spool.line("wf", "t", AgentStart.Source.STDOUT, "line " + i, false);
        spool.acknowledge(Long.parseLong(args[2]));
        System.out.println("ready " + spool.lastSequence());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
