package io.poolkeeper.api.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

/**
 * A PEM certificate chain and its unencrypted PKCS#8 PEM key (RSA or EC), checked to belong
 * together, as JSSE key managers: the sidecar's certificate towards clients, and the client
 * certificate the sidecar and the operator show servers. The check runs here because a mismatch
 * would otherwise only show as every handshake failing.
 */
public final class KeyMaterial {
    /** A signature scheme per supported key algorithm, used only to prove key and certificate match. */
    private static final Map<String, String> PROOF_SIGNATURES = Map.of("RSA", "SHA256withRSA", "EC", "SHA256withECDSA");
    private static final char[] NO_PASSWORD = new char[0];

    private KeyMaterial() {}

    /**
     * @param certSource, keySource where the texts came from (a file, a Secret's key), named in errors
     * @throws IOException naming the source and what to do when a text is in another format or
     *     the key does not belong to the first certificate
     */
    public static KeyManager[] keyManagers(String certChainPem, String certSource, String privateKeyPem, String keySource)
            throws IOException {
        List<X509Certificate> chain = Pem.certificates(certChainPem, certSource);
        String algorithm = chain.getFirst().getPublicKey().getAlgorithm();
        String proofSignature = PROOF_SIGNATURES.get(algorithm);
        if (proofSignature == null) {
            throw new IOException("the certificate in " + certSource + " has a " + algorithm + " key; use an RSA or EC key");
        }
        PrivateKey key = Pem.privateKey(privateKeyPem, algorithm, keySource);
        try {
            if (!belongTogether(key, chain.getFirst(), proofSignature)) {
                throw new IOException("the private key in " + keySource + " does not belong to the first certificate in "
                        + certSource + "; the certificate file must start with the certificate of that key");
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("own", key, NO_PASSWORD, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(store, NO_PASSWORD);
            return keyManagers.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the key in " + keySource + " with the certificate in " + certSource + ": " + e.getMessage(), e);
        }
    }

    private static boolean belongTogether(PrivateKey key, X509Certificate certificate, String algorithm)
            throws GeneralSecurityException {
        byte[] probe = "poolkeeper key check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(probe);
        try {
            return verifier.verify(signature);
        } catch (SignatureException e) {
            // An EC key on another curve makes a signature the certificate's key cannot even parse.
            return false;
        }
    }
}
