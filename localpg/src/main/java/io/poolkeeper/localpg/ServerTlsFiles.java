package io.poolkeeper.localpg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * TLS settings written into one server's data directory: PostgreSQL reads its key only when the
 * key file belongs to the server user and others cannot read it, so the files are copied in and
 * handed over rather than pointed at.
 */
final class ServerTlsFiles {
    private static final String CERT = "server.crt";
    private static final String KEY = "server.key";
    static final String CLIENT_CA = "client-ca.crt";

    private final Path dataDir;
    private final ServerUser user;

    ServerTlsFiles(Path dataDir, ServerUser user) {
        this.dataDir = dataDir;
        this.user = user;
    }

    /** ssl = on with this certificate and key; takes effect at the next reload. */
    void enable(Path certFile, Path keyFile) throws IOException {
        copyIn(certFile, CERT);
        Path key = copyIn(keyFile, KEY);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        appendSettings("ssl = on\nssl_cert_file = '" + CERT + "'\nssl_key_file = '" + KEY + "'\n");
    }

    /**
     * {@code role} may log in over TLS only, showing a certificate signed by a CA in {@code caFile}
     * whose common name is the role's name; takes effect at the next reload.
     */
    void requireClientCertificate(String role, Path caFile) throws IOException {
        copyIn(caFile, CLIENT_CA);
        appendSettings("ssl_ca_file = '" + CLIENT_CA + "'\n");
        Path hba = dataDir.resolve("pg_hba.conf");
        // The first matching line decides, so these go before initdb's lines.
        String rules = "hostssl all " + role + " 127.0.0.1/32 scram-sha-256 clientcert=verify-full\n"
                + "host all " + role + " 127.0.0.1/32 reject\n";
        Files.writeString(hba, rules + Files.readString(hba));
    }

    private Path copyIn(Path source, String name) throws IOException {
        Path target = dataDir.resolve(name);
        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        user.handOver(target);
        return target;
    }

    private void appendSettings(String lines) throws IOException {
        Files.writeString(dataDir.resolve("postgresql.conf"), "\n# Poolkeeper localpg: TLS\n" + lines, StandardOpenOption.APPEND);
    }
}
