package dev.baton.cli.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The test's handle on a {@link LogPumpWorkerMain} JVM: starts it on the test's own class path, copies its
 * output to a log file and keeps the last progress it reported, so the test can time its disruptions by what
 * the worker has done rather than by the clock.
 */
final class LogPumpProcess implements AutoCloseable {
    private static final Pattern COUNT = Pattern.compile("(\\w+)=(-?\\d+)");

    /** What the worker last reported; all zero before its first report. */
    record Progress(long appended, long acked, long unacked, long dropped, long reconnects) {
        static final Progress NONE = new Progress(0, 0, 0, 0, 0);

        @Override
        public String toString() {
            return "appended=" + appended + " acked=" + acked + " unacked=" + unacked + " dropped=" + dropped + " reconnects=" + reconnects;
        }
    }

    private final Process process;
    private final Path log;
    private volatile Progress progress = Progress.NONE;
    private volatile String agentExited;
    private volatile String flushed;

    private LogPumpProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        Thread.ofPlatform().daemon().name("log-pump-output").start(this::readOutput);
    }

    static LogPumpProcess start(Path spoolDir, String serverTarget, Path workspace, String token, Path log) {
        String java = ProcessHandle.current().info().command().orElse(It.java().toString());
        List<String> argv = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), LogPumpWorkerMain.class.getName(),
                spoolDir.toString(), serverTarget, workspace.toString()));
        try {
            Files.createDirectories(workspace);
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().putAll(It.environment(Map.of(LogPumpWorkerMain.TOKEN_VARIABLE, token,
                    "POD_NAME", "it-pod", "POD_NAMESPACE", "it-namespace", "NODE_NAME", "it-node")));
            Process process = pb.start();
            process.getOutputStream().close();
            return new LogPumpProcess(process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", argv.subList(0, 3)) + " …", e);
        }
    }

    Progress progress() {
        return progress;
    }

    boolean agentExited() {
        return agentExited != null;
    }

    boolean flushed() {
        return flushed != null;
    }

    /** Waits until the worker's progress satisfies {@code done}; fails early, with its log, if it exits first. */
    Progress await(String what, Duration timeout, Predicate<Progress> done) {
        return It.await("the log pump worker: " + what + " (log " + log + ")", timeout, () -> {
            Progress now = progress;
            if (!process.isAlive() && !done.test(now)) throw new IllegalStateException("the log pump worker exited with "
                    + process.exitValue() + "; last " + now + "; log:\n" + tail());
            return now;
        }, done);
    }

    /** Waits for the worker to report every line acknowledged and to exit; returns its exit code. */
    int awaitFlushedAndExit(Duration timeout) {
        It.await("the log pump worker to flush (log " + log + ")", timeout, () -> {
            if (flushed == null && !process.isAlive()) throw new IllegalStateException("the log pump worker exited with "
                    + process.exitValue() + " before flushing; log:\n" + tail());
            return flushed != null;
        }, f -> f);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("the log pump worker flushed but did not exit");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return process.exitValue();
    }

    String flushedLine() {
        return flushed;
    }

    String agentExitedLine() {
        return agentExited;
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                if (line.startsWith("PROGRESS ") || line.startsWith("FLUSH")) progress = parse(line);
                if (line.startsWith("AGENT_EXITED ")) {
                    progress = parse(line);
                    agentExited = line;
                }
                if (line.startsWith("FLUSHED ")) flushed = line;
            }
        } catch (IOException e) {
            // the process ended; what it said is in the log
        }
    }

    private static Progress parse(String line) {
        Matcher m = COUNT.matcher(line);
        long appended = 0, acked = 0, unacked = 0, dropped = 0, reconnects = 0;
        while (m.find()) {
            long v = Long.parseLong(m.group(2));
            switch (m.group(1)) {
                case "appended" -> appended = v;
                case "acked" -> acked = v;
                case "unacked" -> unacked = v;
                case "dropped" -> dropped = v;
                case "reconnects" -> reconnects = v;
                default -> { }
            }
        }
        return new Progress(appended, acked, unacked, dropped, reconnects);
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        It.killAll(It.tree(process.toHandle()));
    }
}
