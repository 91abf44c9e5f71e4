package io.poolkeeper.sidecar.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * TLS towards clients, from a PEM certificate chain and an unencrypted PKCS#8 PEM key (RSA or EC),
 * offering TLS 1.3 and 1.2 only. The key is checked against the certificate here, at startup,
 * because a mismatch would otherwise only show as every client's handshake failing.
 */
public final class ServerTls {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /** A signature scheme per supported key algorithm, used only to prove key and certificate match. */
    private static final Map<String, String> PROOF_SIGNATURES = Map.of("RSA", "SHA256withRSA", "EC", "SHA256withECDSA");
    private static final char[] NO_PASSWORD = new char[0];

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
        KeyStore store = keyStore(certChainPem, privateKeyPem);
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(store), null, null);
            return new ServerTls(context);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS from " + certChainPem + " and " + privateKeyPem + ": " + e.getMessage(), e);
        }
    }

    /**
     * A certificate chain and its key, read and checked to belong together: also the client
     * certificate the sidecar shows servers ({@link TlsToServers}).
     */
    static KeyStore keyStore(Path certChainPem, Path privateKeyPem) throws IOException {
        List<X509Certificate> chain = PemFiles.readCertificateChain(certChainPem);
        String algorithm = chain.getFirst().getPublicKey().getAlgorithm();
        String proofSignature = PROOF_SIGNATURES.get(algorithm);
        if (proofSignature == null) {
            throw new IOException("the certificate in " + certChainPem + " has a " + algorithm + " key; use an RSA or EC key");
        }
        PrivateKey key = PemFiles.readPrivateKey(privateKeyPem, algorithm);
        try {
            if (!belongTogether(key, chain.getFirst(), proofSignature)) {
                throw new IOException("the private key in " + privateKeyPem + " does not belong to the first certificate in "
                        + certChainPem + "; the certificate file must start with the certificate of that key");
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("own", key, NO_PASSWORD, chain.toArray(X509Certificate[]::new));
            return store;
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

    private static boolean belongTogether(PrivateKey key, X509Certificate certificate, String algorithm)
            throws GeneralSecurityException {
        byte[] probe = "poolkeeper key check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(probe);
        try {
            return verifier.verify(signature);
        } catch (SignatureException e) {
            // An EC key on another curve makes a signature the certificate's key cannot even parse.
            return false;
        }
    }

    static KeyManager[] keyManagers(KeyStore store) throws GeneralSecurityException {
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(store, NO_PASSWORD);
        return keyManagers.getKeyManagers();
    }
}
