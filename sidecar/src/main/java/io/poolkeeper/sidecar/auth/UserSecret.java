package io.poolkeeper.sidecar.auth;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * One user's entry in the users file, in one of the three forms PgBouncer's auth_file accepts.
 * No {@code toString()} shows the secret: an md5 hash logs a client in as well as the password.
 */
public sealed interface UserSecret permits UserSecret.Plaintext, UserSecret.Md5Hash, UserSecret.Scram {

    /**
     * Tells the three forms apart the way PgBouncer does: {@code md5} plus 32 hex digits is an md5
     * hash, {@code SCRAM-SHA-256$...} a SCRAM secret, anything else a password. A plaintext
     * password gets its SCRAM secret here, once, so that each login costs only a few HMACs.
     *
     * @throws IllegalArgumentException saying what is wrong, without repeating the secret
     */
    static UserSecret parse(String secret, SecureRandom random) {
        if (secret.isEmpty()) throw new IllegalArgumentException("the secret is empty; PostgreSQL refuses empty passwords too");
        if (ScramSecret.looksLikeOne(secret)) return new Scram(ScramSecret.parse(secret));
        if (Md5Hash.looksLikeOne(secret)) return Md5Hash.parse(secret);
        return new Plaintext(secret, ScramSecret.fromPassword(secret, random));
    }

    /** Whether md5 password auth can check a client against this secret. */
    boolean canServeMd5();

    /** The SCRAM-SHA-256 secret to check a client against, if this form has one. */
    Optional<ScramSecret> scram();

    default boolean canServeScram() {
        return scram().isPresent();
    }

    /** A password kept as is; serves md5 and, through the SCRAM secret derived at load, SCRAM. */
    record Plaintext(String password, ScramSecret derivedScram) implements UserSecret {
        @Override
        public boolean canServeMd5() {
            return true;
        }

        @Override
        public Optional<ScramSecret> scram() {
            return Optional.of(derivedScram);
        }

        @Override
        public String toString() {
            return "Plaintext[hidden]";
        }
    }

    /** PostgreSQL's md5 hash, {@code md5(password || username)} in lower-case hex; serves md5 only. */
    record Md5Hash(String hex) implements UserSecret {
        private static final String PREFIX = "md5";
        private static final int HEX_DIGITS = 32;

        static boolean looksLikeOne(String secret) {
            return secret.startsWith(PREFIX) && secret.length() == PREFIX.length() + HEX_DIGITS;
        }

        static Md5Hash parse(String secret) {
            String hex = secret.substring(PREFIX.length()).toLowerCase(Locale.ROOT);
            if (!hex.chars().allMatch(HexFormat::isHexDigit)) {
                throw new IllegalArgumentException("the secret looks like an md5 hash (md5 and 32 more characters)"
                        + " but is not md5 followed by 32 hex digits");
            }
            return new Md5Hash(hex);
        }

        @Override
        public boolean canServeMd5() {
            return true;
        }

        @Override
        public Optional<ScramSecret> scram() {
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "Md5Hash[hidden]";
        }
    }

    /** A SCRAM-SHA-256 secret as PostgreSQL stores it; serves SCRAM only. */
    record Scram(ScramSecret secret) implements UserSecret {
        @Override
        public boolean canServeMd5() {
            return false;
        }

        @Override
        public Optional<ScramSecret> scram() {
            return Optional.of(secret);
        }

        @Override
        public String toString() {
            return "Scram[hidden]";
        }
    }
}
