package dev.baton.cli.it;

import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What the end-to-end tests share: where the packaged jar and the project are, a clean environment for the
 * processes they start, git, polling without timing assertions, and process-tree checks and clean-up.
 *
 * <p>The jar comes from the system property {@code baton.jar} (set by failsafe in baton-cli/pom.xml), the
 * project root (BATON_HOME, where examples/agents/profiles.yaml lives) from {@code baton.home}; both fall back
 * to the module's layout so an IT can also be started from an IDE after {@code ./baton build}.
 */
final class It {
    /** Generous: a 2-core machine shared with other builds starts a server in 10-30 s. */
    static final Duration TIMEOUT = Duration.ofSeconds(120);

    /**
     * Settings a developer's shell or CI may have set that would point the processes under test at
     * another database, server, profile file or folder.
     */
    private static final List<String> INHERITED_SETTINGS = List.of("BATON_", "DATABASE_", "GIT_ROOT_PATH", "WORKTREE_ROOT_PATH",
            "WORKFLOW_", "ARCHIVE_ROOT_PATH", "AGENT_", "PORT", "LOG_LEVEL", "SHUTDOWN_TIMEOUT_MS", "METRICS_", "NODE_ENV",
            "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    private It() {
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("baton.jar", "target/baton.jar")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) throw new IllegalStateException("no executable jar at " + jar + " (run the package phase first)");
        return jar;
    }

    static Path projectRoot() {
        String configured = System.getProperty("baton.home");
        Path root = configured != null && !configured.isBlank() ? Path.of(configured) : jar().getParent().getParent().getParent();
        root = root.toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("examples/agents/profiles.yaml"))) {
            throw new IllegalStateException("not the Baton project root (no examples/agents/profiles.yaml): " + root);
        }
        return root;
    }

    /** The java of the JDK running the tests (failsafe forks with Maven's JAVA_HOME). */
    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** {@code java [small-JVM options] -jar baton.jar} followed by {@code args}. */
    static List<String> batonCommand(boolean shortLived, String... args) {
        List<String> argv = new ArrayList<>(List.of(java().toString(), "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC", "-Xms32m", "-Xmx1g", "-Xshare:auto"));
        if (shortLived) argv.add("-XX:TieredStopAtLevel=1"); // CLI calls: start fast, run briefly
        argv.addAll(List.of("-jar", jar().toString()));
        argv.addAll(List.of(args));
        return argv;
    }

    /**
     * {@code baton worker …} with the JVM options the launcher gives a worker (its BATON_WORKER_JAVA_OPTS default:
     * the small heap), so the end-to-end tests run the worker as users do.
     */
    static List<String> workerCommand(String... args) {
        String launcher;
        try {
            launcher = java.nio.file.Files.readString(projectRoot().resolve("baton"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{BATON_WORKER_JAVA_OPTS:-([^}]*)}").matcher(launcher);
        if (!m.find()) throw new AssertionError("the launcher has no BATON_WORKER_JAVA_OPTS default");
        List<String> argv = new ArrayList<>(List.of(java().toString(), "--enable-native-access=ALL-UNNAMED"));
        argv.addAll(List.of(m.group(1).trim().split("\\s+")));
        argv.addAll(List.of("-jar", jar().toString(), "worker"));
        argv.addAll(List.of(args));
        return argv;
    }

    /** Closes what a test started, newest first, going on past failures: clean-up must not stop half way. */
    static void closeAll(List<? extends AutoCloseable> started) {
        for (AutoCloseable c : started.reversed()) {
            try {
                c.close();
            } catch (Exception ignored) {
                // keep cleaning
            }
        }
    }

    /** This JVM's environment without any Baton setting, plus {@code BATON_HOME} and the given ones. */
    static Map<String, String> environment(Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(name -> INHERITED_SETTINGS.stream().anyMatch(name::startsWith));
        env.put("BATON_HOME", projectRoot().toString());
        env.putAll(settings);
        return env;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- git -------------------------------------------------------------------------------------------

    /** Runs git in {@code dir} and returns its stdout, trimmed; fails on a non-zero exit. */
    static String git(Path dir, String... args) {
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString(), "-c", "user.name=Baton IT", "-c", "user.email=it@baton.dev"));
        argv.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("baton-it-git", ".out");
            try {
                Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                p.getOutputStream().close();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(String.join(" ", argv) + " did not finish within 60 s");
                }
                String text = Files.readString(out, StandardCharsets.UTF_8);
                if (p.exitValue() != 0) throw new AssertionError(String.join(" ", argv) + " failed (" + p.exitValue() + "): " + text);
                return text.strip();
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** A repository on branch main with one commit "initial" holding {@code file}. */
    static void initRepository(Path dir, String file, String content) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(file), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        git(dir, "init", "-q", "-b", "main");
        git(dir, "add", "-A");
        git(dir, "commit", "-q", "-m", "initial");
    }

    // ---- waiting ---------------------------------------------------------------------------------------

    /**
     * Polls {@code probe} until {@code done} accepts its value and returns that value; after
     * {@code timeout} fails with the last value (or the last exception the probe threw).
     */
    static <T> T await(String what, Duration timeout, Supplier<T> probe, Predicate<? super T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        RuntimeException lastError = null;
        while (true) {
            try {
                last = probe.get();
                lastError = null;
                if (done.test(last)) return last;
            } catch (RuntimeException e) {
                lastError = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError failure = new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
                        + (lastError != null ? "; last attempt failed: " + lastError : "; last value: " + last));
                if (lastError != null) failure.initCause(lastError);
                throw failure;
            }
            sleep(Duration.ofMillis(250));
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    // ---- processes -------------------------------------------------------------------------------------

    /**
     * Alive and not a zombie: a killed process whose parent died is re-parented and may stay a zombie until
     * the init process reaps it; it runs no code any more. {@link ProcessHandle#isAlive()} also checks that
     * the pid still belongs to the process the handle was made for.
     */
    static boolean isRunning(ProcessHandle process) {
        if (!process.isAlive()) return false;
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            int end = stat.lastIndexOf(')');
            return !(end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'Z');
        } catch (IOException | RuntimeException e) {
            return process.isAlive();
        }
    }

    static String describe(ProcessHandle p) {
        return p.pid() + " " + p.info().commandLine().orElse(p.info().command().orElse("?"));
    }

    /** The process and its living descendants, parents first (collected before any kill: orphans can't be found). */
    static List<ProcessHandle> tree(ProcessHandle root) {
        Set<ProcessHandle> all = new LinkedHashSet<>();
        all.add(root);
        root.descendants().forEach(all::add);
        return new ArrayList<>(all);
    }

    /** SIGKILL to every given process still running, then waits a little for them to go. Never throws. */
    static void killAll(List<ProcessHandle> processes) {
        for (ProcessHandle p : processes) {
            try {
                if (p.isAlive()) p.destroyForcibly();
            } catch (RuntimeException ignored) {
                // best effort: clean-up must not hide the test's own failure
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (processes.stream().anyMatch(It::isRunning) && System.nanoTime() < deadline) sleep(Duration.ofMillis(50));
    }

    // ---- workflow JSON ---------------------------------------------------------------------------------

    static JsonNode work(JsonNode wf, String workId) {
        return wf.path("works").valueStream().filter(w -> w.path("id").asString().equals(workId)).findFirst()
                .orElseThrow(() -> new AssertionError("no work " + workId + " in " + wf));
    }

    static JsonNode task(JsonNode wf, String workId, String taskId) {
        return work(wf, workId).path("tasks").valueStream().filter(t -> t.path("id").asString().equals(taskId)).findFirst()
                .orElseThrow(() -> new AssertionError("no task " + taskId + " in " + wf));
    }

    /** The {@code status} of a workflow, work or task. */
    static String status(JsonNode node) {
        return node.path("status").asString();
    }

    // ---- the CLI ---------------------------------------------------------------------------------------

    record CliResult(int exitCode, String out, String err, List<String> command) {
        @Override
        public String toString() {
            return "`baton " + String.join(" ", command) + "` exited " + exitCode + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
        }
    }

    /**
     * Runs {@code java -jar baton.jar ARGS} to the end with stdin at end of file (not a terminal), stdout and
     * stderr captured; kills it (and fails) after {@code timeout}.
     */
    static CliResult cli(Path workDir, Map<String, String> settings, Duration timeout, String... args) {
        try {
            Path out = Files.createTempFile(workDir, "cli", ".out");
            Path err = Files.createTempFile(workDir, "cli", ".err");
            ProcessBuilder pb = new ProcessBuilder(batonCommand(true, args)).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().clear();
            pb.environment().putAll(environment(settings));
            Process p = pb.start();
            p.getOutputStream().close();
            try {
                if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                    killAll(tree(p.toHandle()));
                    throw new AssertionError("`baton " + String.join(" ", args) + "` did not finish within " + timeout.toSeconds()
                            + " s\n--- stdout:\n" + Files.readString(out) + "--- stderr:\n" + Files.readString(err));
                }
            } catch (InterruptedException e) {
                killAll(tree(p.toHandle()));
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            return new CliResult(p.exitValue(), Files.readString(out), Files.readString(err), List.of(args));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
