package io.poolkeeper.api.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

/**
 * Reads PEM certificate chains and unencrypted PKCS#8 private keys with JDK APIs alone. Each call
 * names where the text came from (a file, a Secret's key), so its errors say where to look.
 */
final class Pem {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final String PKCS8 = "PRIVATE KEY";

    private Pem() {
    }

    /** The certificates in the text's order: for a chain, the holder's own first, then the CAs that issued it. */
    static List<X509Certificate> certificates(String pem, String source) throws IOException {
        try {
            List<X509Certificate> chain = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).stream()
                    .map(X509Certificate.class::cast)
                    .toList();
            if (chain.isEmpty()) throw new IOException("no certificate in " + source + "; expected PEM blocks starting -----BEGIN CERTIFICATE-----");
            return chain;
        } catch (CertificateException e) {
            throw new IOException("cannot read the certificates in " + source + " (expected PEM, -----BEGIN CERTIFICATE-----): " + e.getMessage(), e);
        }
    }

    /**
     * @param algorithm the key algorithm of the certificate the key belongs to ("RSA", "EC")
     */
    static PrivateKey privateKey(String pem, String algorithm, String source) throws IOException {
        Matcher block = BLOCK.matcher(pem);
        if (!block.find()) throw new IOException("no PEM block in the private key file " + source + "; expected -----BEGIN PRIVATE KEY-----");
        String type = block.group(1);
        if (!type.equals(PKCS8)) {
            throw new IOException("the private key in " + source + " is a \"" + type + "\" PEM block; only unencrypted PKCS#8"
                    + " (-----BEGIN PRIVATE KEY-----) is supported. Convert it with:"
                    + " openssl pkcs8 -topk8 -nocrypt -in " + source + " -out key-pkcs8.pem");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(block.group(2));
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IOException("the private key in " + source + " is not a valid PKCS#8 " + algorithm
                    + " key (the certificate's key type): " + e.getMessage(), e);
        }
    }
}
