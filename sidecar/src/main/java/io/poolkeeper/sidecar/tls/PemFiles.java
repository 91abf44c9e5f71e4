package io.poolkeeper.sidecar.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads PEM certificate chains and unencrypted PKCS#8 private keys with JDK APIs alone. */
final class PemFiles {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final String PKCS8 = "PRIVATE KEY";

    private PemFiles() {
    }

    /** The certificates in file order: the server's own first, then the CAs that issued it. */
    static List<X509Certificate> readCertificateChain(Path file) throws IOException {
        byte[] pem = read(file, "certificate");
        try {
            List<X509Certificate> chain = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem)).stream()
                    .map(X509Certificate.class::cast)
                    .toList();
            if (chain.isEmpty()) throw new IOException("no certificate in " + file + "; expected PEM blocks starting -----BEGIN CERTIFICATE-----");
            return chain;
        } catch (CertificateException e) {
            throw new IOException("cannot read the certificate chain in " + file + " (expected PEM, -----BEGIN CERTIFICATE-----): " + e.getMessage(), e);
        }
    }

    /**
     * @param algorithm the key algorithm of the certificate the key belongs to ("RSA", "EC")
     */
    static PrivateKey readPrivateKey(Path file, String algorithm) throws IOException {
        String pem = new String(read(file, "private key"), StandardCharsets.US_ASCII);
        Matcher block = BLOCK.matcher(pem);
        if (!block.find()) throw new IOException("no PEM block in the private key file " + file + "; expected -----BEGIN PRIVATE KEY-----");
        String type = block.group(1);
        if (!type.equals(PKCS8)) {
            throw new IOException("the private key in " + file + " is a \"" + type + "\" PEM block; only unencrypted PKCS#8"
                    + " (-----BEGIN PRIVATE KEY-----) is supported. Convert it with:"
                    + " openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key-pkcs8.pem");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(block.group(2));
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IOException("the private key in " + file + " is not a valid PKCS#8 " + algorithm
                    + " key (the certificate's key type): " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path file, String what) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException("cannot read the TLS " + what + " file " + file + ": " + e, e);
        }
    }
}
