package io.poolkeeper.sidecar.auth;

import io.poolkeeper.sidecar.auth.ClientAuthFailure.Reason;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/**
 * The SCRAM secret one exchange checks against. A user with no SCRAM secret gets a mock one, as in
 * PostgreSQL: its salt is the same on every attempt for that name but unguessable without the
 * per-process key, and its keys are random, so the exchange looks and fails exactly like a wrong
 * password and does not reveal which users exist.
 *
 * @param doomedBy why the exchange must fail whatever the client proves; empty for a real secret
 */
record ScramCredentials(ScramSecret secret, Optional<Reason> doomedBy) {

    private static final byte[] MOCK_SALT_KEY = randomBytes(new SecureRandom(), ScramSecret.KEY_BYTES);

    static ScramCredentials of(String user, Optional<UserSecret> userSecret, SecureRandom random) {
        if (userSecret.isEmpty()) return mock(user, Reason.UNKNOWN_USER, random);
        return userSecret.get().scram()
                .map(secret -> new ScramCredentials(secret, Optional.empty()))
                .orElseGet(() -> mock(user, Reason.NO_USABLE_SECRET, random));
    }

    private static ScramCredentials mock(String user, Reason reason, SecureRandom random) {
        byte[] salt = Arrays.copyOf(
                ScramSecret.hmac(MOCK_SALT_KEY, user.getBytes(StandardCharsets.UTF_8)), ScramSecret.DEFAULT_SALT_BYTES);
        ScramSecret secret = new ScramSecret(ScramSecret.DEFAULT_ITERATIONS, salt,
                randomBytes(random, ScramSecret.KEY_BYTES), randomBytes(random, ScramSecret.KEY_BYTES));
        return new ScramCredentials(secret, Optional.of(reason));
    }

    private static byte[] randomBytes(SecureRandom random, int count) {
        byte[] out = new byte[count];
        random.nextBytes(out);
        return out;
    }
}
