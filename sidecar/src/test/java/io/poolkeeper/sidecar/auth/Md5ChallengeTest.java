package io.poolkeeper.sidecar.auth;

import static io.poolkeeper.sidecar.auth.PostgresSecrets.ALICE_SCRAM;
import static io.poolkeeper.sidecar.auth.PostgresSecrets.BOB_MD5;
import static io.poolkeeper.sidecar.auth.PostgresSecrets.BOB_PASSWORD;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.sidecar.auth.ClientAuthFailure.Reason;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Md5ChallengeTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] SALT = HexFormat.of().parseHex("9a3c01fe");
    /** What libpq sends for bob/hunter2 and this salt, computed with the openssl CLI. */
    private static final String BOB_RESPONSE = "md5d3055b082b6547825b6ef765754436ef";

    @ParameterizedTest
    @ValueSource(strings = {BOB_PASSWORD, BOB_MD5, "md5A2CC14BCC08BCB211F578153967ABD6D"})
    void whenResponseMatchesPasswordOrHashThenAccepted(String fileSecret) {
        Md5Challenge challenge = new Md5Challenge("bob", Optional.of(UserSecret.parse(fileSecret, RANDOM)), SALT);
        assertThat(challenge.verify(BOB_RESPONSE.getBytes(US_ASCII))).isEmpty();
    }

    @Test
    void whenPasswordMessageKeepsItsZeroTerminatorThenAccepted() {
        Md5Challenge challenge = new Md5Challenge("bob", Optional.of(UserSecret.parse(BOB_MD5, RANDOM)), SALT);
        assertThat(challenge.verify((BOB_RESPONSE + "\0").getBytes(US_ASCII))).isEmpty();
    }

    @Test
    void whenPasswordIsWrongThenRejected() {
        Md5Challenge challenge = new Md5Challenge("bob", Optional.of(UserSecret.parse("hunter3", RANDOM)), SALT);
        ClientAuthFailure failure = challenge.verify(BOB_RESPONSE.getBytes(US_ASCII)).orElseThrow();
        assertThat(failure.reason()).isEqualTo(Reason.WRONG_PASSWORD);
        assertThat(failure.clientMessage()).isEqualTo("password authentication failed for user \"bob\"");
        assertThat(failure.logMessage()).doesNotContain(BOB_RESPONSE, "hunter");
    }

    @Test
    void whenSameHashAnswersForAnotherUserThenRejected() {
        // md5 salts the hash with the user name, so bob's answer is no good for carl.
        Md5Challenge challenge = new Md5Challenge("carl", Optional.of(UserSecret.parse(BOB_PASSWORD, RANDOM)), SALT);
        assertThat(challenge.verify(BOB_RESPONSE.getBytes(US_ASCII))).hasValueSatisfying(
                f -> assertThat(f.reason()).isEqualTo(Reason.WRONG_PASSWORD));
    }

    @Test
    void whenUserIsUnknownThenClientSeesTheSameFailureAsAWrongPassword() {
        ClientAuthFailure unknown = new Md5Challenge("bob", Optional.empty(), SALT).verify(BOB_RESPONSE.getBytes(US_ASCII)).orElseThrow();
        ClientAuthFailure wrong = new Md5Challenge("bob", Optional.of(UserSecret.parse("other", RANDOM)), SALT)
                .verify(BOB_RESPONSE.getBytes(US_ASCII)).orElseThrow();
        assertThat(unknown.reason()).isEqualTo(Reason.UNKNOWN_USER);
        assertThat(unknown.clientMessage()).isEqualTo(wrong.clientMessage());
        assertThat(unknown.sqlState()).isEqualTo(wrong.sqlState()).isEqualTo("28P01");
    }

    @Test
    void whenUserHasOnlyAScramSecretThenRejectedAsNoUsableSecret() {
        Md5Challenge challenge = new Md5Challenge("alice", Optional.of(UserSecret.parse(ALICE_SCRAM, RANDOM)), SALT);
        assertThat(challenge.verify(BOB_RESPONSE.getBytes(US_ASCII))).hasValueSatisfying(
                f -> assertThat(f.reason()).isEqualTo(Reason.NO_USABLE_SECRET));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "hunter2", "md5", "xyzd3055b082b6547825b6ef765754436ef", "md5d3055b082b6547825b6ef765754436ef00"})
    void whenResponseIsNotMd5HexThenRejectedAsMalformed(String response) {
        Md5Challenge challenge = new Md5Challenge("bob", Optional.of(UserSecret.parse(BOB_MD5, RANDOM)), SALT);
        assertThat(challenge.verify(response.getBytes(US_ASCII))).hasValueSatisfying(
                f -> assertThat(f.reason()).isEqualTo(Reason.MALFORMED_MESSAGE));
    }

    @Test
    void whenStartedThenEachChallengeHasItsOwnFourByteSalt() {
        byte[] first = Md5Challenge.start("bob", Optional.empty(), RANDOM).salt();
        byte[] second = Md5Challenge.start("bob", Optional.empty(), RANDOM).salt();
        assertThat(first).hasSize(4);
        // 1 in 2^32 chance of a false failure.
        assertThat(first).isNotEqualTo(second);
    }
}
