package io.poolkeeper.sidecar.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real keys and self-signed certificates, made with the openssl command for each test. */
public final class TestCertificates {
    private TestCertificates() {}

    /** Writes a self-signed certificate for CN=localhost and its unencrypted PKCS#8 key ({@code rsa} or {@code ec}). */
    public static void selfSigned(String keyType, Path cert, Path key) throws Exception {
        List<String> args = new ArrayList<>(List.of("req", "-x509", "-newkey", keyType));
        if (keyType.equals("ec")) args.addAll(List.of("-pkeyopt", "ec_paramgen_curve:P-256"));
        args.addAll(List.of("-nodes", "-days", "1", "-subj", "/CN=localhost",
                "-keyout", key.toString(), "-out", cert.toString()));
        openssl(args.toArray(String[]::new));
    }

    public static void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("openssl %s: %s", String.join(" ", args), output).isZero();
    }
}
