package io.poolkeeper.sidecar.auth;

import static io.poolkeeper.sidecar.auth.PostgresSecrets.ALICE_SCRAM;
import static io.poolkeeper.sidecar.auth.PostgresSecrets.BOB_MD5;
import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.api.config.AuthMethod;
import java.security.SecureRandom;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthMethodChoiceTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void whenMethodIsMd5AndUserHasOnlyAScramSecretThenScramIsUsed() {
        assertThat(AuthMethodChoice.forUser(AuthMethod.MD5, Optional.of(UserSecret.parse(ALICE_SCRAM, RANDOM))))
                .isEqualTo(AuthMethod.SCRAM_SHA_256);
    }

    @Test
    void whenMethodIsMd5AndUserHasPasswordOrHashOrIsUnknownThenMd5IsUsed() {
        assertThat(AuthMethodChoice.forUser(AuthMethod.MD5, Optional.of(UserSecret.parse(BOB_MD5, RANDOM)))).isEqualTo(AuthMethod.MD5);
        assertThat(AuthMethodChoice.forUser(AuthMethod.MD5, Optional.of(UserSecret.parse("pw", RANDOM)))).isEqualTo(AuthMethod.MD5);
        assertThat(AuthMethodChoice.forUser(AuthMethod.MD5, Optional.empty())).isEqualTo(AuthMethod.MD5);
    }

    @Test
    void whenMethodIsScramOrTrustThenItIsKeptWhateverTheSecret() {
        Optional<UserSecret> md5Only = Optional.of(UserSecret.parse(BOB_MD5, RANDOM));
        assertThat(AuthMethodChoice.forUser(AuthMethod.SCRAM_SHA_256, md5Only)).isEqualTo(AuthMethod.SCRAM_SHA_256);
        assertThat(AuthMethodChoice.forUser(AuthMethod.TRUST, Optional.empty())).isEqualTo(AuthMethod.TRUST);
    }
}
