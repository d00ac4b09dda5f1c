package dev.baton.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Part 3 of {@code bench engine}: starts the real server from the running {@code baton.jar} as a child process,
 * with the JVM options of the {@code ./baton} launcher, an empty data folder and a free port; waits for
 * {@code /ready}, lets it idle, samples VmRSS from {@code /proc/<pid>/status} and stops it with SIGTERM.
 */
final class ServerRssProbe {
    /** What the launcher passes besides BATON_JAVA_OPTS (see the {@code baton} script at the project root). */
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    /** Used when the launcher script cannot be read; kept in step with its default. */
    static final String FALLBACK_JAVA_OPTS = "-XX:+UseSerialGC -Xms32m -Xmx1g -XX:+ExitOnOutOfMemoryError";
    private static final Pattern VM_RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+)\\s+kB");

    /**
     * @param skipped      why it was not measured, or null
     * @param medianMb     median of the samples, MB (10^6 bytes)
     * @param samplesMb    the samples, MB
     * @param readyNanos   from process start to the first 200 of /ready
     * @param idleSeconds  how long it idled after /ready before the first sample
     * @param exitCode     the server's exit status after SIGTERM (-1: had to be killed)
     * @param stopNanos    from SIGTERM to exit
     * @param command      the command line that started it
     */
    record Result(String skipped, double medianMb, List<Double> samplesMb, long readyNanos, int idleSeconds, int exitCode,
                  long stopNanos, List<String> command) {

        static Result skip(String why) {
            return new Result(why, 0, List.of(), 0, 0, 0, 0, List.of());
        }

        boolean measured() {
            return skipped == null;
        }
    }

    private final Path projectRoot;
    private final Path dataDir;
    private final Path logFile;
    private final PrintWriter progress;

    ServerRssProbe(Path projectRoot, Path dataDir, Path logFile, PrintWriter progress) {
        this.projectRoot = projectRoot;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.progress = progress;
    }

    Result measure(Optional<Path> jar, List<String> jvmOptions, int idleSeconds, int samples, Duration readyTimeout) throws Exception {
        if (!Files.isReadable(Path.of("/proc/self/status"))) {
            return Result.skip("no /proc/<pid>/status on this system (VmRSS is read from there; Linux only)");
        }
        if (jar.isEmpty()) {
            return Result.skip("not running from baton.jar (code source " + codeSourceOf(ServerRssProbe.class)
                    + "); build the jar and run ./baton bench engine");
        }
        Files.createDirectories(dataDir);
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.get().toString());
        command.add("server");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile());
        Map<String, String> env = pb.environment();
        env.put("PORT", Integer.toString(port));
        env.put("GRPC_PORT", Integer.toString(freePort())); // the default 9090 may be taken on the machine
        env.put("BATON_DATA_DIR", dataDir.toString());
        env.put("BATON_HOME", projectRoot.toString());
        env.remove("DATABASE_URL"); // the embedded default: SQLite under the data folder
        progress.printf("  starting the server on port %d (log: %s) ...%n", port, logFile);
        progress.flush();
        long t0 = System.nanoTime();
        Process server = pb.start();
        try {
            long readyNanos = awaitReady(server, port, readyTimeout) - t0;
            progress.printf("  ready after %.1f s; idling %d s, then %d samples 1 s apart ...%n", readyNanos / 1e9, idleSeconds, samples);
            progress.flush();
            Thread.sleep(idleSeconds * 1000L);
            List<Double> mb = new ArrayList<>();
            for (int i = 0; i < samples; i++) {
                if (i > 0) Thread.sleep(1000);
                if (!server.isAlive()) throw new IllegalStateException("the server exited while idle (status " + server.exitValue() + "); see " + logFile);
                mb.add(vmRssKb(Files.readString(Path.of("/proc", Long.toString(server.pid()), "status"))) * 1024 / 1e6);
            }
            long s0 = System.nanoTime();
            server.destroy(); // SIGTERM: graceful shutdown
            int exit = server.waitFor(60, TimeUnit.SECONDS) ? server.exitValue() : -1;
            long stopNanos = System.nanoTime() - s0;
            return new Result(null, Stats.median(mb.stream().mapToDouble(Double::doubleValue).toArray()), List.copyOf(mb),
                    readyNanos, idleSeconds, exit, stopNanos, List.copyOf(command));
        } finally {
            if (server.isAlive()) {
                server.destroyForcibly();
                server.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Polls /ready until it answers 200; returns the nanoTime of that answer. */
    private long awaitReady(Process server, int port, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("the server exited during start-up (status " + server.exitValue() + "):\n" + tail(logFile, 15));
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return System.nanoTime();
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("/ready did not answer 200 within " + timeout.toSeconds() + " s:\n" + tail(logFile, 15));
    }

    static long vmRssKb(String procStatus) {
        Matcher m = VM_RSS.matcher(procStatus);
        if (!m.find()) throw new IllegalArgumentException("no VmRSS line in /proc/<pid>/status");
        return Long.parseLong(m.group(1));
    }

    /**
     * The JVM options {@code ./baton} starts the jar with: {@link #NATIVE_ACCESS} and BATON_JAVA_OPTS when set,
     * else the launcher's default for it (read from the launcher script, or {@link #FALLBACK_JAVA_OPTS}).
     */
    static List<String> launcherJvmOptions(String launcherScript, String batonJavaOpts) {
        return launcherJvmOptions(launcherScript, "BATON_JAVA_OPTS", batonJavaOpts);
    }

    /** The same for the launcher's variable {@code variable} (BATON_WORKER_JAVA_OPTS for {@code ./baton worker}). */
    static List<String> launcherJvmOptions(String launcherScript, String variable, String value) {
        String opts = value;
        if (opts == null || opts.isBlank()) {
            Matcher m = launcherScript == null ? null
                    : Pattern.compile("\\$\\{" + Pattern.quote(variable) + ":-([^}]*)}").matcher(launcherScript);
            // A default that uses a shell variable (the launcher's computed heap cap) cannot be read from the text;
            // the launcher exports BATON_JAVA_OPTS, so this only matters outside it.
            opts = m != null && m.find() && !m.group(1).contains("$") ? m.group(1) : FALLBACK_JAVA_OPTS;
        }
        List<String> out = new ArrayList<>();
        out.add(NATIVE_ACCESS);
        Arrays.stream(opts.trim().split("\\s+")).filter(s -> !s.isEmpty()).forEach(out::add);
        return out;
    }

    /** Where a class was loaded from, as text. */
    static String codeSourceOf(Class<?> type) {
        CodeSource cs = type.getProtectionDomain().getCodeSource();
        return cs == null || cs.getLocation() == null ? "unknown" : cs.getLocation().toString();
    }

    /**
     * The jar a code source location points into: {@code file:/x/baton.jar},
     * {@code jar:nested:/x/baton.jar/!BOOT-INF/classes/!/} (Spring Boot's executable jar) or
     * {@code jar:file:/x/baton.jar!/…}; empty for a classes folder.
     */
    static Optional<Path> jarOf(String location) {
        String s = location;
        for (String prefix : List.of("jar:", "nested:", "file:")) {
            if (s.startsWith(prefix)) s = s.substring(prefix.length());
        }
        int end = -1;
        for (int i = s.indexOf(".jar"); i >= 0; i = s.indexOf(".jar", i + 1)) {
            int after = i + 4;
            if (after == s.length() || s.charAt(after) == '!' || s.charAt(after) == '/') {
                end = after;
                break;
            }
        }
        if (end < 0) return Optional.empty();
        String path = URLDecoder.decode(s.substring(0, end).replace("+", "%2B"), StandardCharsets.UTF_8);
        if (path.startsWith("//")) path = path.substring(1); // file:// with an empty authority
        return Optional.of(Path.of(path));
    }

    /** The running baton.jar, when this class was loaded from one that exists. */
    static Optional<Path> runningJar() {
        return jarOf(codeSourceOf(ServerRssProbe.class)).filter(Files::isRegularFile);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }
}
