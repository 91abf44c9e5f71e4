package io.poolkeeper.sidecar.backend;

import io.poolkeeper.api.config.ServerSslMode;
import io.poolkeeper.api.tls.DelegatingSslSocketFactory;
import io.poolkeeper.sidecar.tls.TlsFiles;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Properties;
import javax.net.ssl.SSLSocket;

/**
 * pgjdbc's {@code sslfactory} hook: TLS from {@code server.tls} ({@link TlsFiles}; pgjdbc sends
 * the SSLRequest, runs the handshake and checks the host name for verify-full), and the TLS socket
 * it layers over the captured plain one recorded, so the proxy reads and writes through TLS as
 * pgjdbc did. pgjdbc makes one per connection, from the connection's properties, so a renewed
 * certificate is used from the next new connection on.
 */
public final class CapturingSslSocketFactory extends DelegatingSslSocketFactory {

    public CapturingSslSocketFactory(Properties info) throws IOException {
        super(TlsFiles.towardsServers(ServerSslMode.fromWireName(info.getProperty(PgjdbcTls.MODE)),
                path(info, PgjdbcTls.ROOT_CERT), path(info, PgjdbcTls.CERT), path(info, PgjdbcTls.KEY)).getSocketFactory());
    }

    private static Path path(Properties info, String name) {
        String value = info.getProperty(name);
        return value == null ? null : Path.of(value);
    }

    @Override
    public Socket createSocket(Socket plain, String host, int port, boolean autoClose) throws IOException {
        SSLSocket layered = (SSLSocket) super.createSocket(plain, host, port, autoClose);
        CapturingSocketFactory.upgraded(plain, layered);
        return layered;
    }
}
