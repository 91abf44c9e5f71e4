package io.poolkeeper.sidecar;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A server that accepts TCP connections on 127.0.0.1 and never answers: the kernel completes the
 * handshake, nothing is ever read or written. In front of a real server it is a TCP hop that
 * can be switched between forwarding and blackholing, as a network partition does: while
 * blackholed, bytes stay where they are (open connections freeze, new ones are accepted and
 * wait), and once {@link #restore() restored} everything flows on, as TCP retransmission would.
 */
final class Blackhole implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress upstream;
    private final Object gate = new Object();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean blackholed;
    private volatile boolean closed;

    private Blackhole(InetSocketAddress upstream, boolean blackholed) {
        this.upstream = upstream;
        this.blackholed = blackholed;
        try {
            this.listener = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.acceptor = Thread.ofPlatform().daemon().name("blackhole-accept-" + port()).start(this::accept);
    }

    /** Accepts and never answers, for good. */
    static Blackhole silent() {
        return new Blackhole(null, true);
    }

    /** Forwards to 127.0.0.1:{@code port} until {@link #blackhole()}. */
    static Blackhole inFrontOf(int port) {
        return new Blackhole(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), false);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** From now on nothing passes either way, on open connections and new ones alike. */
    void blackhole() {
        blackholed = true;
    }

    /** Bytes flow again, those held back first. */
    void restore() {
        if (upstream == null) throw new IllegalStateException("a silent blackhole has nothing to forward to");
        synchronized (gate) {
            blackholed = false;
            gate.notifyAll();
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                sockets.add(client);
                if (upstream != null) Thread.ofVirtual().start(() -> link(client));
            } catch (IOException e) {
                if (!closed) throw new UncheckedIOException(e);
            }
        }
    }

    private void link(Socket client) {
        try {
            awaitOpen();
            Socket server = new Socket(upstream.getAddress(), upstream.getPort());
            server.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
            sockets.add(server);
            Thread.ofVirtual().start(() -> pump(server, client));
            pump(client, server);
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                awaitOpen();
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException | InterruptedException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void awaitOpen() throws InterruptedException {
        if (!blackholed) return;
        synchronized (gate) {
            while (blackholed && !closed) gate.wait();
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        synchronized (gate) {
            gate.notifyAll();
        }
        for (Socket s : sockets) closeQuietly(s);
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing is all we want
        }
    }
}
