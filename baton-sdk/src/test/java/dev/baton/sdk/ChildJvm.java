package dev.baton.sdk;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A main class of the test sources run in a JVM of its own (same java, same class path), to prove what holds
 * between processes. Its stdout lines can be waited for; stderr goes to a log file.
 */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final List<String> lines = new ArrayList<>();

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
        Thread.ofVirtual().name("child-jvm-stdout").start(this::pump);
    }

    static ChildJvm start(Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                // surefire's class path may be a manifest-only jar: the JVM follows its Class-Path.
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        try {
            Path log = Files.createTempFile("child-jvm-" + main.getSimpleName() + "-", ".log");
            Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
            return new ChildJvm(p, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    /** Waits for a stdout line starting with {@code prefix} and returns it; fails with the child's log. */
    String awaitLine(String prefix, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                for (String l : lines) if (l.startsWith(prefix)) return l;
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !pumpMayHaveMore())) {
                    throw new AssertionError("child JVM printed no line starting with '" + prefix + "'; exit "
                            + (process.isAlive() ? "none yet" : process.exitValue()) + "; stdout " + lines + "; stderr:\n" + stderr());
                }
                try {
                    lines.wait(Math.max(1, Math.min(200, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }
    }

    private boolean pumpMayHaveMore() {
        try {
            return process.getInputStream().available() > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Closes the child's stdin: the signal the mains here wait for to finish. */
    void closeStdin() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // gone already
        }
    }

    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) throw new AssertionError("child JVM still running; stderr:\n" + stderr());
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    String stderr() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(cannot read " + log + ")";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
