package dev.baton.cli.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code nats-server} of the bench's own on a free loopback port, stopped at the end (the same steps as the
 * test fixture {@code NatsServerProcess}, which lives in test sources). The binary is
 * {@code /usr/sbin/nats-server} unless {@code BATON_NATS_SERVER} names another.
 */
final class BenchNatsServer implements AutoCloseable {
    private static final String HOST = "127.0.0.1";
    private static final Duration STARTUP = Duration.ofSeconds(15);

    private final Process process;
    private final int port;
    private final String version;

    private BenchNatsServer(Process process, int port, String version) {
        this.process = process;
        this.port = port;
        this.version = version;
    }

    /** Starts it with its output in {@code log} and returns once it accepts connections. */
    static BenchNatsServer start(String configuredBinary, Path log) throws IOException {
        Path binary = Path.of(configuredBinary != null ? configuredBinary : "/usr/sbin/nats-server");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("no nats-server at " + binary + "; install it (apt-get install nats-server) or point BATON_NATS_SERVER at one");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, new InetSocketAddress(HOST, 0).getAddress())) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder(List.of(binary.toString(), "-a", HOST, "-p", Integer.toString(port)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        BenchNatsServer server = new BenchNatsServer(p, port, version(binary));
        server.awaitAccepting(log);
        return server;
    }

    String url() {
        return "nats://" + HOST + ":" + port;
    }

    String version() {
        return version;
    }

    long pid() {
        return process.pid();
    }

    private void awaitAccepting(Path log) throws IOException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IllegalStateException("nats-server exited with " + process.exitValue() + ": " + Files.readString(log).strip());
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        close();
        throw new IllegalStateException("nats-server did not accept connections on port " + port + " within " + STARTUP);
    }

    private static String version(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor(5, TimeUnit.SECONDS) ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** SIGTERM, SIGKILL after 10 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
