package io.poolkeeper.sidecar.tls;

import io.poolkeeper.api.config.ServerSslMode;
import io.poolkeeper.api.tls.KeyMaterial;
import io.poolkeeper.api.tls.TlsToServers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/**
 * The sidecar's TLS files, read for {@link ServerTls} and for {@code server.tls}. Read here rather
 * than by pgjdbc, which refuses a key file others may read, as every file of a Kubernetes Secret
 * volume readable by an arbitrary container user is.
 */
public final class TlsFiles {
    private TlsFiles() {}

    /**
     * TLS towards the servers from {@code server.tls}'s files.
     *
     * @param rootCert required when {@code mode} verifies certificates, otherwise unused
     * @param cert null for no client certificate, else with {@code key}
     * @throws IOException naming the file and what is wrong with it
     */
    public static SSLContext towardsServers(ServerSslMode mode, Path rootCert, Path cert, Path key) throws IOException {
        KeyManager[] clientKeys = cert == null ? null
                : KeyMaterial.keyManagers(read(cert, "certificate"), cert.toString(), read(key, "private key"), key.toString());
        String ca = mode.verifiesCertificate() ? read(rootCert, "CA certificate") : null;
        return TlsToServers.context(mode, ca, String.valueOf(rootCert), clientKeys);
    }

    static String read(Path file, String what) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IOException("cannot read the TLS " + what + " file " + file + ": " + e, e);
        }
    }
}
