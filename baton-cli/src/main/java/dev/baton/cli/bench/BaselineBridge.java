package dev.baton.cli.bench;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The seed 000 §2.2 bridge ({@code bench/ping-baseline/bridge.js}: Watchman subscription → NATS publish) as a
 * child process: installed with {@code npm ci} when its {@code node_modules} is missing, started with
 * {@code NATS_URL}, ready once it prints {@code bridge ready {…}}. Its output goes to a log file. When it
 * cannot start (no node, npm refused, Watchman not answering) {@link Unavailable} says why, and the baseline
 * is reported as not measured.
 */
final class BaselineBridge implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);

    /** Why the baseline cannot run here. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    /** What the bridge said about its watch: Watchman's version, its watcher and the settle it uses. */
    record Ready(String watchmanVersion, String watcher, Integer settleMs, String nodeVersion) {
    }

    private final Process process;
    private final Ready ready;

    private BaselineBridge(Process process, Ready ready) {
        this.process = process;
        this.ready = ready;
    }

    static BaselineBridge start(Path baselineDir, Path specDir, String natsUrl, Path log, PrintWriter out) throws Unavailable, IOException {
        Path script = baselineDir.resolve("bridge.js");
        if (!Files.isRegularFile(script)) throw new Unavailable("no " + script);
        String node = run(List.of("node", "--version"), baselineDir, Duration.ofSeconds(10), "node (Node.js 20+) is not on PATH");
        if (!Files.isDirectory(baselineDir.resolve("node_modules"))) {
            out.println("    installing the baseline's packages: npm ci --no-audit --no-fund (in " + baselineDir + ")");
            out.flush();
            run(List.of("npm", "ci", "--no-audit", "--no-fund"), baselineDir, INSTALL_TIMEOUT, "npm is not on PATH");
        }
        ProcessBuilder pb = new ProcessBuilder("node", script.toString(), specDir.toString()).directory(baselineDir.toFile()).redirectErrorStream(true);
        pb.environment().put("NATS_URL", natsUrl);
        Process p = pb.start();
        CompletableFuture<String> readyLine = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("baseline-bridge-output").start(() -> copyOutput(p, log, readyLine));
        String line;
        try {
            line = readyLine.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            stop(p);
            throw new Unavailable("the bridge did not say it was ready within " + READY_TIMEOUT.toSeconds() + " s (is Watchman answering? see " + log + ")");
        } catch (Exception e) {
            stop(p);
            throw new Unavailable("the bridge stopped before it was ready: " + e.getMessage());
        }
        if (line.startsWith("bridge error: ")) {
            stop(p);
            throw new Unavailable("the bridge refused: " + line.substring("bridge error: ".length()));
        }
        JsonNode info = JsonMapper.builder().build().readTree(line.substring("bridge ready ".length()));
        JsonNode settle = info.path("settleMs");
        return new BaselineBridge(p, new Ready(info.path("watchmanVersion").asString(null), info.path("watcher").asString(null),
                settle.isNumber() ? settle.intValue() : null, node));
    }

    Ready ready() {
        return ready;
    }

    /** Closing its stdin lets it remove its Watchman watch and exit; it is killed if it has not within 5 s. */
    @Override
    public void close() {
        stop(process);
    }

    private static void stop(Process p) {
        try {
            p.getOutputStream().close();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
            }
        } catch (IOException e) {
            p.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    private static void copyOutput(Process p, Path log, CompletableFuture<String> readyLine) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter w = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                w.println(line);
                if (line.startsWith("bridge ready ") || line.startsWith("bridge error: ")) readyLine.complete(line);
            }
            w.flush();
        } catch (IOException e) {
            readyLine.completeExceptionally(e);
        }
        readyLine.completeExceptionally(new IOException("its output ended (exit status " + exitStatus(p) + "; see " + log + ")"));
    }

    private static String exitStatus(Process p) {
        try {
            return p.waitFor(2, TimeUnit.SECONDS) ? Integer.toString(p.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** Runs a short command; its first output line on success, else {@link Unavailable} with the end of its output. */
    private static String run(List<String> command, Path dir, Duration timeout, String missing) throws Unavailable {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new Unavailable(missing);
        }
        try {
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "";
                }
            });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new Unavailable(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
            }
            String text = output.get(5, TimeUnit.SECONDS).strip();
            if (p.exitValue() != 0) throw new Unavailable(String.join(" ", command) + " failed (" + p.exitValue() + "): " + tail(text));
            return text.lines().findFirst().orElse("");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new Unavailable("interrupted while running " + String.join(" ", command));
        } catch (Exception e) {
            if (e instanceof Unavailable u) throw u;
            throw new Unavailable(String.join(" ", command) + ": " + e);
        }
    }

    private static String tail(String text) {
        List<String> lines = new ArrayList<>(text.lines().toList());
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    }
}
