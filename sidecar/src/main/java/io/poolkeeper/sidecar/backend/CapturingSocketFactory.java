package io.poolkeeper.sidecar.backend;

import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.SocketFactory;

/**
 * pgjdbc's {@code socketFactory} hook: hands pgjdbc a plain socket and remembers it for the
 * caller that is opening the connection, so {@link ServerDataSource} can give the proxy the very
 * socket pgjdbc authenticated. The slot is inherited because pgjdbc opens the socket on a thread
 * of its own when {@code loginTimeout} is set, started by the caller.
 */
public final class CapturingSocketFactory extends SocketFactory {
    private static final InheritableThreadLocal<AtomicReference<Socket>> SLOT = new InheritableThreadLocal<>();

    /** Opens a fresh slot for the connection the calling thread is about to open. */
    static void expect() {
        SLOT.set(new AtomicReference<>());
    }

    static Socket take() {
        AtomicReference<Socket> slot = SLOT.get();
        SLOT.remove();
        return slot == null ? null : slot.get();
    }

    @Override
    public Socket createSocket() throws SocketException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
        AtomicReference<Socket> slot = SLOT.get();
        if (slot != null) slot.set(socket);
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
