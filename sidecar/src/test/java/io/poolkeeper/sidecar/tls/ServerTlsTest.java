package io.poolkeeper.sidecar.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.poolkeeper.localpg.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServerTlsTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"rsa:2048", "ec"})
    void whenClientTrustsTheCertificateThenTls13HandshakeCarriesData(String keyType) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        TestCertificates.selfSigned(keyType, cert, key);
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");

        SSLSession session = handshake(ServerTls.fromPem(cert, key), cert, "TLSv1.3", "TLSv1.2");

        assertThat(session.getProtocol()).isEqualTo("TLSv1.3");
        assertThat(session.getPeerCertificates()[0]).isEqualTo(readCertificate(cert));
    }

    @Test
    void whenClientOnlySpeaksTls12ThenHandshakeStillSucceeds() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        TestCertificates.selfSigned("rsa:2048", cert, key);

        SSLSession session = handshake(ServerTls.fromPem(cert, key), cert, "TLSv1.2");

        assertThat(session.getProtocol()).isEqualTo("TLSv1.2");
    }

    @Test
    void whenKeyIsPkcs1ThenErrorSaysHowToConvert() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        TestCertificates.selfSigned("rsa:2048", cert, key);
        Path pkcs1 = dir.resolve("rsa.pem");
        TestCertificates.openssl("rsa", "-in", key.toString(), "-traditional", "-out", pkcs1.toString());
        assertThat(Files.readString(pkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY-----");

        assertThatThrownBy(() -> ServerTls.fromPem(cert, pkcs1))
                .isInstanceOf(IOException.class)
                .hasMessage("the private key in " + pkcs1 + " is a \"RSA PRIVATE KEY\" PEM block; only unencrypted PKCS#8"
                        + " (-----BEGIN PRIVATE KEY-----) is supported. Convert it with:"
                        + " openssl pkcs8 -topk8 -nocrypt -in " + pkcs1 + " -out key-pkcs8.pem");
    }

    @Test
    void whenKeyIsEncryptedThenErrorSaysHowToConvert() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        TestCertificates.selfSigned("ec", cert, key);
        Path encrypted = dir.resolve("encrypted.pem");
        TestCertificates.openssl("pkcs8", "-topk8", "-in", key.toString(), "-out", encrypted.toString(), "-passout", "pass:secret");

        assertThatThrownBy(() -> ServerTls.fromPem(cert, encrypted))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is a \"ENCRYPTED PRIVATE KEY\" PEM block")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void whenKeyBelongsToAnotherCertificateThenErrorSaysSo() throws Exception {
        Path cert = dir.resolve("cert.pem");
        TestCertificates.selfSigned("rsa:2048", cert, dir.resolve("key.pem"));
        Path otherKey = dir.resolve("other-key.pem");
        TestCertificates.selfSigned("rsa:2048", dir.resolve("other-cert.pem"), otherKey);

        assertThatThrownBy(() -> ServerTls.fromPem(cert, otherKey))
                .isInstanceOf(IOException.class)
                .hasMessage("the private key in " + otherKey + " does not belong to the first certificate in " + cert
                        + "; the certificate file must start with the certificate of that key");
    }

    @Test
    void whenKeyTypeDiffersFromCertificateThenErrorSaysSo() throws Exception {
        Path cert = dir.resolve("cert.pem");
        TestCertificates.selfSigned("rsa:2048", cert, dir.resolve("key.pem"));
        Path ecKey = dir.resolve("ec-key.pem");
        TestCertificates.selfSigned("ec", dir.resolve("ec-cert.pem"), ecKey);

        assertThatThrownBy(() -> ServerTls.fromPem(cert, ecKey))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("the private key in " + ecKey + " is not a valid PKCS#8 RSA key");
    }

    @Test
    void whenFilesAreMissingOrNotPemThenErrorNamesTheFile() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        TestCertificates.selfSigned("ec", cert, key);
        Path missing = dir.resolve("missing.pem");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a pem file\n");

        assertThatThrownBy(() -> ServerTls.fromPem(missing, key)).hasMessageStartingWith("cannot read the TLS certificate file " + missing);
        assertThatThrownBy(() -> ServerTls.fromPem(cert, missing)).hasMessageStartingWith("cannot read the TLS private key file " + missing);
        assertThatThrownBy(() -> ServerTls.fromPem(cert, garbage))
                .hasMessage("no PEM block in the private key file " + garbage + "; expected -----BEGIN PRIVATE KEY-----");
        assertThatThrownBy(() -> ServerTls.fromPem(garbage, key)).hasMessageStartingWith("cannot read the certificates in " + garbage);
    }

    /**
     * Accepts one connection, upgrades it and echoes one byte plus one until the client hangs up;
     * the client trusts only {@code cert}.
     */
    private static SSLSession handshake(ServerTls tls, Path cert, String... clientProtocols) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> server = CompletableFuture.supplyAsync(() -> {
                try (Socket plain = listener.accept()) {
                    plain.setSoTimeout(10_000);
                    try (SSLSocket secured = tls.upgrade(plain)) {
                        secured.getOutputStream().write(secured.getInputStream().read() + 1);
                        secured.getOutputStream().flush();
                        return secured.getInputStream().read();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            SSLSession session;
            try (SSLSocket client = (SSLSocket) trusting(cert).getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                client.setSoTimeout(10_000);
                client.setEnabledProtocols(clientProtocols);
                client.getOutputStream().write(41);
                client.getOutputStream().flush();
                assertThat(client.getInputStream().read()).isEqualTo(42);
                session = client.getSession();
            }
            assertThat(server.get(10, TimeUnit.SECONDS)).as("server sees the client hang up").isEqualTo(-1);
            return session;
        }
    }

    private static SSLContext trusting(Path cert) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", readCertificate(cert));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static X509Certificate readCertificate(Path cert) throws Exception {
        try (InputStream in = Files.newInputStream(cert)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
