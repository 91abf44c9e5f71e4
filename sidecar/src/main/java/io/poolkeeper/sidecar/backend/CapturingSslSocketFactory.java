package io.poolkeeper.sidecar.backend;

import io.poolkeeper.api.config.ServerSslMode;
import io.poolkeeper.sidecar.tls.TlsFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Properties;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * pgjdbc's {@code sslfactory} hook: TLS from {@code server.tls} ({@link TlsFiles}; pgjdbc
 * sends the SSLRequest, runs the handshake and checks the host name for verify-full), and the TLS
 * socket it layers over the captured plain one recorded, so the proxy reads and writes through TLS
 * as pgjdbc did. pgjdbc makes one per connection, from the connection's properties, so a rotated
 * certificate is used from the next new connection on.
 */
public final class CapturingSslSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory tls;

    public CapturingSslSocketFactory(Properties info) throws IOException {
        this.tls = TlsFiles.towardsServers(ServerSslMode.fromWireName(info.getProperty(PgjdbcTls.MODE)),
                path(info, PgjdbcTls.ROOT_CERT), path(info, PgjdbcTls.CERT), path(info, PgjdbcTls.KEY)).getSocketFactory();
    }

    private static Path path(Properties info, String name) {
        String value = info.getProperty(name);
        return value == null ? null : Path.of(value);
    }

    @Override
    public Socket createSocket(Socket plain, String host, int port, boolean autoClose) throws IOException {
        SSLSocket layered = (SSLSocket) tls.createSocket(plain, host, port, autoClose);
        CapturingSocketFactory.upgraded(plain, layered);
        return layered;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return tls.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return tls.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return tls.createSocket(host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return tls.createSocket(host, port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return tls.createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return tls.createSocket(address, port, localAddress, localPort);
    }
}
