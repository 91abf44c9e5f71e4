package io.poolkeeper.operator.probe;

import io.poolkeeper.api.config.ServerSslMode;
import io.poolkeeper.api.tls.DelegatingSslSocketFactory;
import io.poolkeeper.api.tls.KeyMaterial;
import io.poolkeeper.api.tls.TlsToServers;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.KeyManager;

/**
 * pgjdbc's {@code sslfactory} for the operator's own connections: TLS as the pool's sidecars use
 * it, from the PEM texts of the pool's Secrets, which reach pgjdbc as connection properties and
 * are never written to a file. pgjdbc makes one per connection and checks the host name for
 * verify-full itself.
 */
public final class ProbeTlsFactory extends DelegatingSslSocketFactory {
    static final String CA = "poolkeeperServerCa";
    static final String CA_SOURCE = "poolkeeperServerCaSource";
    static final String CLIENT_CERT = "poolkeeperClientCert";
    static final String CLIENT_KEY = "poolkeeperClientKey";
    static final String CLIENT_SOURCE = "poolkeeperClientSource";

    public ProbeTlsFactory(Properties info) throws IOException {
        super(TlsToServers.context(ServerSslMode.fromWireName(info.getProperty("sslmode")),
                info.getProperty(CA), info.getProperty(CA_SOURCE), clientKeys(info)).getSocketFactory());
    }

    private static KeyManager[] clientKeys(Properties info) throws IOException {
        if (info.getProperty(CLIENT_CERT) == null) return null;
        String source = info.getProperty(CLIENT_SOURCE);
        return KeyMaterial.keyManagers(info.getProperty(CLIENT_CERT), source + " key tls.crt", info.getProperty(CLIENT_KEY), source + " key tls.key");
    }

    /** The pgjdbc properties that make a connection use this factory with these PEM texts (null: none). */
    public static Map<String, String> properties(String caPem, String caSource, String clientCertPem, String clientKeyPem, String clientSource) {
        Map<String, String> p = new HashMap<>(Map.of("sslfactory", ProbeTlsFactory.class.getName()));
        if (caPem != null) p.putAll(Map.of(CA, caPem, CA_SOURCE, caSource));
        if (clientCertPem != null) p.putAll(Map.of(CLIENT_CERT, clientCertPem, CLIENT_KEY, clientKeyPem, CLIENT_SOURCE, clientSource));
        return p;
    }
}
