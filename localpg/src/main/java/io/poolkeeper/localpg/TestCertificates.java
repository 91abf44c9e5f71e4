package io.poolkeeper.localpg;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real keys and certificates, made with the openssl command for each test: self-signed ones, and
 * a CA that issues server and client certificates (for TLS towards a {@link LocalServer}, see
 * {@link LocalServer#enableTls}). Keys are unencrypted PKCS#8 PEM.
 */
public final class TestCertificates {
    private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(30);

    private TestCertificates() {}

    /** A certificate authority: its certificate and key, made by {@link #authority}. */
    public record Authority(Path cert, Path key) {
        /**
         * Writes an RSA certificate signed by this authority, with common name {@code commonName}
         * and the given subjectAltName ({@code IP:127.0.0.1}, {@code DNS:db.test}; null for none),
         * and its key.
         */
        public void issue(String commonName, String subjectAltName, Path cert, Path key) {
            List<String> args = new ArrayList<>(List.of("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=" + commonName, "-addext", "basicConstraints=CA:FALSE",
                    "-CA", cert().toString(), "-CAkey", key().toString(), "-keyout", key.toString(), "-out", cert.toString()));
            if (subjectAltName != null) args.addAll(List.of("-addext", "subjectAltName=" + subjectAltName));
            openssl(args.toArray(String[]::new));
        }
    }

    /** A fresh self-signed CA named {@code name}, written into {@code dir} as name.crt and name.key. */
    public static Authority authority(Path dir, String name) {
        Authority ca = new Authority(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=" + name,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                "-keyout", ca.key().toString(), "-out", ca.cert().toString());
        return ca;
    }

    /** Writes a self-signed certificate for CN=localhost and its key ({@code rsa} or {@code ec}). */
    public static void selfSigned(String keyType, Path cert, Path key) {
        List<String> args = new ArrayList<>(List.of("req", "-x509", "-newkey", keyType));
        if (keyType.equals("ec")) args.addAll(List.of("-pkeyopt", "ec_paramgen_curve:P-256"));
        args.addAll(List.of("-nodes", "-days", "1", "-subj", "/CN=localhost",
                "-keyout", key.toString(), "-out", cert.toString()));
        openssl(args.toArray(String[]::new));
    }

    /** Runs openssl; throws with its own words when it fails. */
    public static void openssl(String... args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        CommandRunner.requireSuccess(CommandRunner.run(command, Map.of(), null, OPENSSL_TIMEOUT), String.join(" ", command));
    }
}
