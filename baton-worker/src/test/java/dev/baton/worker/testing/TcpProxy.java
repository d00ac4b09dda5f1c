package dev.baton.worker.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy for end-to-end tests of reconnecting clients: it forwards every connection to a
 * target port and can cut all live connections, refuse new ones (accepted and reset at once) and accept
 * them again, always keeping its own listening port so the client's address never changes.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile boolean refusing;
    private volatile boolean closed;

    private TcpProxy(ServerSocket listener, int targetPort) {
        this.listener = listener;
        this.targetPort = targetPort;
        Thread.ofPlatform().daemon().name("tcp-proxy-" + listener.getLocalPort()).start(this::acceptLoop);
    }

    /** A proxy on a free loopback port forwarding to {@code 127.0.0.1:targetPort}. */
    public static TcpProxy to(int targetPort) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return new TcpProxy(socket, targetPort);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a proxy port on loopback", e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted and forwarded since start. */
    public int connectionsAccepted() {
        return accepted.get();
    }

    /** Connections currently open (each forwarded connection counts its two sockets once). */
    public int liveConnections() {
        return open.size() / 2;
    }

    /** Closes (resets) every live connection; new connections are still accepted unless refusing. */
    public void cutAll() {
        for (Socket socket : open) {
            reset(socket);
        }
        open.clear();
    }

    /** From now on new connections are reset right after accept; live ones are untouched. */
    public void refuseNew() {
        refusing = true;
    }

    public void acceptNew() {
        refusing = false;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (refusing) {
                reset(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
            } catch (IOException e) {
                // Target down: behave like it, the client sees its connection dropped.
                reset(client);
                closeQuietly(upstream);
                continue;
            }
            accepted.incrementAndGet();
            open.add(client);
            open.add(upstream);
            Thread.ofVirtual().name("tcp-proxy-up").start(() -> pump(client, upstream));
            Thread.ofVirtual().name("tcp-proxy-down").start(() -> pump(upstream, client));
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // One side went away: the other goes too.
        } finally {
            reset(from);
            reset(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException e) {
            // already closed
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // nothing left to do
        }
        cutAll();
    }
}
