package io.poolkeeper.sidecar.auth;

import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.StringPreparation;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * What a server keeps to check SCRAM-SHA-256 logins without knowing the password: salt, iteration
 * count, StoredKey and ServerKey (RFC 5802 section 3). Reads and derives PostgreSQL's
 * {@code pg_authid} form, {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}.
 */
public final class ScramSecret {

    static final ScramMechanism MECHANISM = ScramMechanism.SCRAM_SHA_256;
    /** PostgreSQL's defaults, so a derived secret costs a client what PostgreSQL's would. */
    static final int DEFAULT_ITERATIONS = 4096;
    static final int DEFAULT_SALT_BYTES = 16;
    static final int KEY_BYTES = 32;
    private static final String PREFIX = "SCRAM-SHA-256$";

    private final int iterations;
    private final byte[] salt;
    private final byte[] storedKey;
    private final byte[] serverKey;

    ScramSecret(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {
        this.iterations = iterations;
        this.salt = salt.clone();
        this.storedKey = storedKey.clone();
        this.serverKey = serverKey.clone();
    }

    static boolean looksLikeOne(String text) {
        return text.startsWith(PREFIX);
    }

    /**
     * Reads PostgreSQL's form. The exception says which part is wrong and never repeats the text,
     * since the keys are as sensitive as a password hash.
     */
    static ScramSecret parse(String text) {
        if (!looksLikeOne(text)) throw new IllegalArgumentException("a SCRAM secret must start with " + PREFIX);
        String[] halves = text.substring(PREFIX.length()).split("\\$", -1);
        if (halves.length != 2) {
            throw new IllegalArgumentException("a SCRAM secret has the form " + PREFIX + "<iterations>:<salt>$<StoredKey>:<ServerKey>");
        }
        String[] costAndSalt = pair(halves[0], "<iterations>:<salt>");
        String[] keys = pair(halves[1], "<StoredKey>:<ServerKey>");
        int iterations;
        try {
            iterations = Integer.parseInt(costAndSalt[0]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the SCRAM iteration count is not a number");
        }
        if (iterations < 1) throw new IllegalArgumentException("the SCRAM iteration count must be at least 1");
        byte[] salt = base64(costAndSalt[1], "salt");
        if (salt.length == 0) throw new IllegalArgumentException("the SCRAM salt is empty");
        return new ScramSecret(iterations, salt, key(keys[0], "StoredKey"), key(keys[1], "ServerKey"));
    }

    /** Derives a secret with a fresh random salt, as PostgreSQL does when a password is set. */
    static ScramSecret fromPassword(String password, SecureRandom random) {
        byte[] salt = new byte[DEFAULT_SALT_BYTES];
        random.nextBytes(salt);
        return fromPassword(password, salt, DEFAULT_ITERATIONS);
    }

    /**
     * The password goes through SASLprep, falling back to the raw password where SASLprep refuses
     * it: exactly what PostgreSQL and pgjdbc do, so non-ASCII passwords match on both sides.
     */
    static ScramSecret fromPassword(String password, byte[] salt, int iterations) {
        byte[] salted;
        try {
            salted = ScramFunctions.saltedPassword(
                    MECHANISM, StringPreparation.POSTGRESQL_PREPARATION, password.toCharArray(), salt, iterations);
        } catch (IndexOutOfBoundsException e) {
            // ongres stringprep 2.2 fails this way when SASLprep maps the whole password to nothing.
            throw new IllegalArgumentException("the password is empty once SASLprep drops its invisible characters"
                    + " (soft hyphens, zero-width spaces and the like); choose another password");
        }
        byte[] storedKey = ScramFunctions.storedKey(MECHANISM, ScramFunctions.clientKey(MECHANISM, salted));
        return new ScramSecret(iterations, salt, storedKey, ScramFunctions.serverKey(MECHANISM, salted));
    }

    int iterations() {
        return iterations;
    }

    byte[] salt() {
        return salt.clone();
    }

    /**
     * RFC 5802: the proof is ClientKey XOR ClientSignature, so XOR-ing the signature back out must
     * give a ClientKey whose hash is the StoredKey.
     */
    boolean verifyClientProof(byte[] clientProof, byte[] authMessage) {
        if (clientProof.length != KEY_BYTES) return false;
        byte[] clientKey = hmac(storedKey, authMessage);
        for (int i = 0; i < clientKey.length; i++) {
            clientKey[i] ^= clientProof[i];
        }
        return MessageDigest.isEqual(ScramFunctions.hash(MECHANISM, clientKey), storedKey);
    }

    byte[] serverSignature(byte[] authMessage) {
        return hmac(serverKey, authMessage);
    }

    static byte[] hmac(byte[] key, byte[] message) {
        return ScramFunctions.hmac(MECHANISM, key, message);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScramSecret other
                && iterations == other.iterations
                && Arrays.equals(salt, other.salt)
                && Arrays.equals(storedKey, other.storedKey)
                && Arrays.equals(serverKey, other.serverKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(iterations, Arrays.hashCode(salt), Arrays.hashCode(storedKey), Arrays.hashCode(serverKey));
    }

    @Override
    public String toString() {
        return "ScramSecret[SCRAM-SHA-256, " + iterations + " iterations, keys hidden]";
    }

    private static String[] pair(String text, String form) {
        String[] parts = text.split(":", -1);
        if (parts.length != 2) throw new IllegalArgumentException("the SCRAM secret part " + form + " is not two fields joined by ':'");
        return parts;
    }

    private static byte[] key(String text, String name) {
        byte[] key = base64(text, name);
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("the SCRAM " + name + " must be " + KEY_BYTES + " bytes, got " + key.length);
        }
        return key;
    }

    private static byte[] base64(String text, String name) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the SCRAM " + name + " is not valid base64");
        }
    }
}
