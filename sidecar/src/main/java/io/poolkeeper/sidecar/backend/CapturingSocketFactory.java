package io.poolkeeper.sidecar.backend;

import java.net.InetAddress;
import java.net.Socket;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocket;

/**
 * pgjdbc's {@code socketFactory} hook: hands pgjdbc a plain socket and remembers it for the
 * caller that is opening the connection, so {@link ServerDataSource} can give the proxy the very
 * socket pgjdbc authenticated. When pgjdbc then upgrades it to TLS, {@link CapturingSslSocketFactory}
 * adds the TLS socket to the same record. The slot is inherited because pgjdbc opens the socket on
 * a thread of its own when {@code loginTimeout} is set, started by the caller.
 */
public final class CapturingSocketFactory extends SocketFactory {
    private static final InheritableThreadLocal<AtomicReference<Captured>> SLOT = new InheritableThreadLocal<>();

    /**
     * The sockets of one connection: {@code plain} is the TCP connection, {@code tls} the TLS
     * socket layered over it, or null when the connection stayed plain.
     */
    record Captured(Socket plain, SSLSocket tls) {
        /** The socket whose streams carry the protocol. */
        Socket streams() {
            return tls != null ? tls : plain;
        }
    }

    /** Opens a fresh slot for the connection the calling thread is about to open. */
    static void expect() {
        SLOT.set(new AtomicReference<>());
    }

    static Captured take() {
        AtomicReference<Captured> slot = SLOT.get();
        SLOT.remove();
        return slot == null ? null : slot.get();
    }

    /** Records the TLS socket pgjdbc layered over {@code plain}; ignored for a socket this thread did not open. */
    static void upgraded(Socket plain, SSLSocket tls) {
        AtomicReference<Captured> slot = SLOT.get();
        if (slot != null) slot.updateAndGet(c -> c != null && c.plain() == plain ? new Captured(plain, tls) : c);
    }

    /** A channel's socket, so that the proxy's event loops can take the plain connection into their selectors while it is leased. */
    @Override
    public Socket createSocket() throws IOException {
        Socket socket = SocketChannel.open().socket();
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
        // A new socket replaces any earlier one: pgjdbc's prefer mode retries in plain after a failed handshake.
        AtomicReference<Captured> slot = SLOT.get();
        if (slot != null) slot.set(new Captured(socket, null));
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port) {
        throw new UnsupportedOperationException("pgjdbc connects through createSocket()");
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
        throw new UnsupportedOperationException("pgjdbc connects through createSocket()");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) {
        throw new UnsupportedOperationException("pgjdbc connects through createSocket()");
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
        throw new UnsupportedOperationException("pgjdbc connects through createSocket()");
    }
}
