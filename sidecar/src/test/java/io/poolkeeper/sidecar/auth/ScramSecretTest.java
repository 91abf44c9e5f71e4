package io.poolkeeper.sidecar.auth;

import static io.poolkeeper.sidecar.auth.PostgresSecrets.ALICE_PASSWORD;
import static io.poolkeeper.sidecar.auth.PostgresSecrets.ALICE_SCRAM;
import static io.poolkeeper.sidecar.auth.PostgresSecrets.CAROL_PASSWORD;
import static io.poolkeeper.sidecar.auth.PostgresSecrets.CAROL_SCRAM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScramSecretTest {

    @Test
    void whenDerivedWithPostgresSaltThenEqualsTheSecretPostgresStored() {
        ScramSecret alice = ScramSecret.parse(ALICE_SCRAM);
        assertThat(ScramSecret.fromPassword(ALICE_PASSWORD, alice.salt(), alice.iterations())).isEqualTo(alice);

        ScramSecret carol = ScramSecret.parse(CAROL_SCRAM);
        assertThat(ScramSecret.fromPassword(CAROL_PASSWORD, carol.salt(), carol.iterations())).isEqualTo(carol);
        assertThat(ScramSecret.fromPassword("IX p\u00e4ssw\u00f6rd", carol.salt(), carol.iterations())).isEqualTo(carol);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "SCRAM-SHA-1$4096:c2FsdA==$a:b | must start with SCRAM-SHA-256$",
        "SCRAM-SHA-256$0:c2FsdA==$KEY:KEY | iteration count must be at least 1",
        "SCRAM-SHA-256$4096:$KEY:KEY | salt is empty",
        "SCRAM-SHA-256$4096:c2FsdA==$KEY | <StoredKey>:<ServerKey> is not two fields",
        "SCRAM-SHA-256$4096:c2FsdA==$c2hvcnQ=:KEY | StoredKey must be 32 bytes, got 5",
        "SCRAM-SHA-256$4096$c2FsdA==$KEY:KEY | has the form"})
    void whenTextIsNotAScramSecretThenErrorSaysWhichPart(String text, String expected) {
        String key = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        assertThatThrownBy(() -> ScramSecret.parse(text.replace("KEY", key)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void whenPrintedThenKeysAndSaltAreHidden() {
        assertThat(ScramSecret.parse(ALICE_SCRAM).toString()).isEqualTo("ScramSecret[SCRAM-SHA-256, 4096 iterations, keys hidden]");
    }
}
