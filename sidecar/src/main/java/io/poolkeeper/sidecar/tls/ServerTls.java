package io.poolkeeper.sidecar.tls;

import io.poolkeeper.api.tls.KeyMaterial;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * TLS towards clients, from a PEM certificate chain and an unencrypted PKCS#8 PEM key (RSA or EC),
 * offering TLS 1.3 and 1.2 only. The key is checked against the certificate here, at startup,
 * because a mismatch would otherwise only show as every client's handshake failing.
 */
public final class ServerTls {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final SSLContext context;

    private ServerTls(SSLContext context) {
        this.context = context;
    }

    /**
     * @param certChainPem the server certificate first, then any intermediates
     * @param privateKeyPem the key of the first certificate, {@code -----BEGIN PRIVATE KEY-----}
     * @throws IOException naming the file and what to do when a file is missing, unreadable, in
     *     another format, or the key does not belong to the certificate
     */
    public static ServerTls fromPem(Path certChainPem, Path privateKeyPem) throws IOException {
        KeyManager[] keys = KeyMaterial.keyManagers(TlsFiles.read(certChainPem, "certificate"), certChainPem.toString(),
                TlsFiles.read(privateKeyPem, "private key"), privateKeyPem.toString());
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, null, null);
            return new ServerTls(context);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS from " + certChainPem + " and " + privateKeyPem + ": " + e.getMessage(), e);
        }
    }

    /** For callers that drive TLS themselves (an SSLEngine); they must restrict protocols as {@link #upgrade} does. */
    public SSLContext sslContext() {
        return context;
    }

    /**
     * Runs the server side of the handshake on a plain connection, after the caller has read the
     * client's SSLRequest and answered {@code 'S'}. The handshake is bounded by the socket's read
     * timeout. The returned socket owns {@code plain}: closing it closes the connection (were it
     * not to, the JDK's close would wait for a close_notify from a client that is waiting for us to
     * hang up). Under TLS 1.3 the JDK's close still reads what the client sends, for up to the read
     * timeout, so lower the timeout before hanging up on a client that is still connected.
     *
     * @throws IOException if the handshake fails, e.g. the client offers nothing newer than TLS 1.1
     */
    public SSLSocket upgrade(Socket plain) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, null, plain.getPort(), true);
        tls.setUseClientMode(false);
        tls.setEnabledProtocols(PROTOCOLS);
        tls.startHandshake();
        return tls;
    }
}
