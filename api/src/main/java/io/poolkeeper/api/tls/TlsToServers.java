package io.poolkeeper.api.tls;

import io.poolkeeper.api.config.ServerSslMode;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS as a client of the PostgreSQL servers, for the sidecar's pools and probes and the
 * operator's probes: the CA bundle verify-ca and verify-full check the server's certificate
 * against, and an optional client certificate. The host name check of verify-full is pgjdbc's,
 * done after the handshake; pgjdbc is handed the resulting socket factory.
 */
public final class TlsToServers {
    private TlsToServers() {}

    /**
     * @param caPem required when {@code mode} verifies certificates, otherwise unused
     * @param clientKeys null for no client certificate, else from {@link KeyMaterial}
     * @throws IOException naming {@code caSource} when the CA bundle cannot be used
     */
    public static SSLContext context(ServerSslMode mode, String caPem, String caSource, KeyManager[] clientKeys) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(clientKeys, mode.verifiesCertificate() ? trusting(caPem, caSource) : notVerifying(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS towards the servers with the CA in " + caSource + ": " + e.getMessage(), e);
        }
    }

    private static TrustManager[] trusting(String caPem, String caSource) throws IOException, GeneralSecurityException {
        List<X509Certificate> authorities = Pem.certificates(caPem, caSource);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < authorities.size(); i++) store.setCertificateEntry("ca" + i, authorities.get(i));
        TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
        trust.init(store);
        return trust.getTrustManagers();
    }

    /** prefer and require encrypt but, as libpq without a root certificate, take any server certificate. */
    private static TrustManager[] notVerifying() {
        return new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                // a client's trust manager is never asked about clients
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // any server certificate: the mode asks for encryption, not authentication
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }};
    }
}
