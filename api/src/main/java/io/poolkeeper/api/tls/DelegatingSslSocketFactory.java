package io.poolkeeper.api.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocketFactory;

/**
 * An SSLSocketFactory pgjdbc can instantiate by class name (its {@code sslfactory}) that hands
 * every call to a factory made from a context: subclasses build the context from the connection's
 * properties and may watch the sockets made.
 */
public abstract class DelegatingSslSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;

    protected DelegatingSslSocketFactory(SSLSocketFactory delegate) {
        this.delegate = delegate;
    }

    /** pgjdbc's only call: layers TLS over the connection it opened. */
    @Override
    public Socket createSocket(Socket plain, String host, int port, boolean autoClose) throws IOException {
        return delegate.createSocket(plain, host, port, autoClose);
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return delegate.createSocket(host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return delegate.createSocket(host, port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return delegate.createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return delegate.createSocket(address, port, localAddress, localPort);
    }
}
