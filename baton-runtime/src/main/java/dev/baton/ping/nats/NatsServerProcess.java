package dev.baton.ping.nats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code nats-server} of its own on a free loopback port, for tests (which kill and restart it without
 * disturbing anything else) and for {@code baton bench ping}. The binary is {@code /usr/sbin/nats-server} unless
 * the system property or environment variable {@code BATON_NATS_SERVER} names another.
 *
 * <pre>{@code
 * static NatsServerProcess nats = NatsServerProcess.onFreePort();
 * @BeforeAll static void up() { nats.start(); }
 * @AfterAll static void down() { nats.stop(); }
 * }</pre>
 */
public final class NatsServerProcess implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(15);
    private static final String HOST = "127.0.0.1";

    private final int port;
    private final List<String> extraArgs;
    private Process process;
    private Path log;

    private NatsServerProcess(int port, List<String> extraArgs) {
        this.port = port;
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** Picks a free port now (it stays this server's across restarts) but does not start yet. */
    public static NatsServerProcess onFreePort(String... extraArgs) {
        try (ServerSocket s = new ServerSocket(0, 1, new InetSocketAddress(HOST, 0).getAddress())) {
            return new NatsServerProcess(s.getLocalPort(), List.of(extraArgs));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends the server's output to {@code file} (default: a temporary file); call before {@link #start()}. */
    public synchronized NatsServerProcess logTo(Path file) {
        this.log = file;
        return this;
    }

    /** What the binary says of its version, or null when it does not answer. */
    public static String version() {
        try {
            Process p = new ProcessBuilder(binary().toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor(5, TimeUnit.SECONDS) ? out : null;
        } catch (IOException | IllegalStateException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The running server's process id; -1 when it is not running. */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Starts the server and returns once it accepts connections. */
    public synchronized NatsServerProcess start() {
        if (process != null && process.isAlive()) return this;
        Path binary = binary();
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-a", HOST, "-p", Integer.toString(port)));
        command.addAll(extraArgs);
        try {
            if (log == null) {
                log = Files.createTempFile("nats-server-" + port + "-", ".log");
                log.toFile().deleteOnExit();
            }
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Process started = process;
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
            awaitAccepting();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + binary, e);
        }
        return this;
    }

    /** Stops the server (SIGTERM, SIGKILL after 10 s) and waits until it is gone. */
    public synchronized void stop() {
        if (process == null) return;
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Stops and starts again on the same port: clients that reconnect find it where it was. */
    public NatsServerProcess restart() {
        stop();
        return start();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public String url() {
        return "nats://" + HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        stop();
    }

    private void awaitAccepting() throws IOException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nats-server exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 200);
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        stop();
        throw new IllegalStateException("nats-server did not accept connections on port " + port + " within " + STARTUP + ":\n" + Files.readString(log));
    }

    private static Path binary() {
        String configured = System.getProperty("BATON_NATS_SERVER", System.getenv("BATON_NATS_SERVER"));
        Path binary = Path.of(configured != null ? configured : "/usr/sbin/nats-server");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("no nats-server at " + binary + "; install it or point BATON_NATS_SERVER at one");
        }
        return binary;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for nats-server", e);
        }
    }
}
