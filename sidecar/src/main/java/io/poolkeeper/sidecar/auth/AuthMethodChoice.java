package io.poolkeeper.sidecar.auth;

import io.poolkeeper.api.config.AuthMethod;
import java.util.Optional;

/**
 * Which challenge to send a client, following PostgreSQL's pg_hba rule that {@code md5} switches
 * to SCRAM for a user whose only secret is a SCRAM secret (an md5 challenge could never succeed).
 */
public final class AuthMethodChoice {

    private AuthMethodChoice() {
    }

    /**
     * An unknown user gets the configured method's challenge, like a user who exists, and fails
     * only at the end of the exchange.
     */
    public static AuthMethod forUser(AuthMethod configured, Optional<UserSecret> secret) {
        if (configured == AuthMethod.MD5 && secret.isPresent() && !secret.get().canServeMd5()) {
            return AuthMethod.SCRAM_SHA_256;
        }
        return configured;
    }
}
