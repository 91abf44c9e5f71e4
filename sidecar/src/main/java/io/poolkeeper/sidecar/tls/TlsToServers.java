package io.poolkeeper.sidecar.tls;

import io.poolkeeper.api.config.ServerSslMode;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.postgresql.ssl.NonValidatingFactory;

/**
 * The sidecar's TLS as a client of the PostgreSQL servers, from PEM files: the CA bundle that
 * verify-ca and verify-full check the server's certificate against, and an optional client
 * certificate. PEM read here rather than by pgjdbc, which refuses a key file that others may read,
 * as every file of a Kubernetes Secret volume readable by an arbitrary container user is.
 * pgjdbc still checks the host name for verify-full.
 */
public final class TlsToServers {
    private TlsToServers() {}

    /**
     * @param rootCertPem required when {@code mode} verifies certificates, otherwise unused
     * @param certChainPem null for no client certificate, else with {@code privateKeyPem}
     * @throws IOException naming the file and what is wrong with it
     */
    public static SSLContext context(ServerSslMode mode, Path rootCertPem, Path certChainPem, Path privateKeyPem) throws IOException {
        KeyManager[] keys = null;
        try {
            if (certChainPem != null) keys = ServerTls.keyManagers(ServerTls.keyStore(certChainPem, privateKeyPem));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, mode.verifiesCertificate() ? trusting(rootCertPem) : notVerifying(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS towards the servers from " + rootCertPem + ": " + e.getMessage(), e);
        }
    }

    private static TrustManager[] trusting(Path rootCertPem) throws IOException, GeneralSecurityException {
        List<X509Certificate> authorities = PemFiles.readCertificateChain(rootCertPem);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < authorities.size(); i++) store.setCertificateEntry("ca" + i, authorities.get(i));
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
        trust.init(store);
        return trust.getTrustManagers();
    }

    /** prefer and require encrypt but, as in libpq without a root certificate, take any server certificate. */
    private static TrustManager[] notVerifying() {
        return new TrustManager[] {new NonValidatingFactory.NonValidatingTM()};
    }
}
