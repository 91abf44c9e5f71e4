package io.poolkeeper.sidecar.auth;

import static io.poolkeeper.sidecar.auth.PostgresSecrets.ALICE_SCRAM;
import static io.poolkeeper.sidecar.auth.PostgresSecrets.BOB_MD5;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserListTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    @Test
    void whenFileHasAllThreeFormsThenEachIsRecognised() throws IOException {
        UserList users = parse("""
                ; PgBouncer style comment
                # shell style comment

                "alice" "%s"
                "bob" "%s"
                  "carl"   "plain password"\t
                """.formatted(ALICE_SCRAM, BOB_MD5));

        assertThat(users.size()).isEqualTo(3);
        assertThat(users.find("alice")).get().isEqualTo(new UserSecret.Scram(ScramSecret.parse(ALICE_SCRAM)));
        assertThat(users.find("bob")).get().isEqualTo(new UserSecret.Md5Hash(BOB_MD5.substring(3)));
        assertThat(users.find("carl")).get().isInstanceOfSatisfying(UserSecret.Plaintext.class,
                p -> assertThat(p.password()).isEqualTo("plain password"));
        assertThat(users.find("dave")).isEmpty();
    }

    @Test
    void whenSecretIsPlaintextThenItServesBothMethodsWithADerivedScramSecret() throws IOException {
        UserSecret carl = parse("\"carl\" \"pw\"").find("carl").orElseThrow();
        assertThat(carl.canServeMd5()).isTrue();
        assertThat(carl.canServeScram()).isTrue();
        ScramSecret derived = carl.scram().orElseThrow();
        assertThat(derived.iterations()).isEqualTo(4096);
        assertThat(derived).isEqualTo(ScramSecret.fromPassword("pw", derived.salt(), 4096));

        UserSecret other = parse("\"carl\" \"pw\"").find("carl").orElseThrow();
        assertThat(other.scram().orElseThrow().salt()).as("each load draws a fresh salt").isNotEqualTo(derived.salt());
    }

    @Test
    void whenSecretIsHashedThenItServesOnlyItsOwnMethod() throws IOException {
        UserList users = parse("\"alice\" \"" + ALICE_SCRAM + "\"\n\"bob\" \"" + BOB_MD5 + "\"");
        assertThat(users.find("alice").orElseThrow().canServeMd5()).isFalse();
        assertThat(users.find("alice").orElseThrow().canServeScram()).isTrue();
        assertThat(users.find("bob").orElseThrow().canServeMd5()).isTrue();
        assertThat(users.find("bob").orElseThrow().canServeScram()).isFalse();
    }

    @Test
    void whenFieldsHoldDoubledQuotesThenTheyMeanOneQuote() throws IOException {
        UserList users = parse("\"o\"\"brien\" \"say \"\"hi\"\"\"");
        assertThat(users.find("o\"brien")).get().isInstanceOfSatisfying(UserSecret.Plaintext.class,
                p -> assertThat(p.password()).isEqualTo("say \"hi\""));
    }

    @Test
    void whenFileIsLoadedThenCrlfAndByteOrderMarkAreTolerated() throws IOException {
        Path file = dir.resolve("users.txt");
        Files.write(file, ("\uFEFF\"alice\" \"p\u00e4ss\"\r\n\"bob\" \"" + BOB_MD5 + "\"\r\n").getBytes(StandardCharsets.UTF_8));
        UserList users = UserList.load(file);
        assertThat(users.size()).isEqualTo(2);
        assertThat(users.find("alice")).get().isInstanceOfSatisfying(UserSecret.Plaintext.class,
                p -> assertThat(p.password()).isEqualTo("p\u00e4ss"));
    }

    @Test
    void whenLineIsBrokenThenErrorNamesFileAndLineButNotTheSecret() throws IOException {
        Path file = dir.resolve("users.txt");
        Files.writeString(file, "# users\n\"alice\" \"topsecret\"\n\"bob\" \"topsecret\n");
        assertThatThrownBy(() -> UserList.load(file))
                .isInstanceOf(IOException.class)
                .hasMessage(file + " line 3: the secret has no closing double quote (write a \" inside the quotes as \"\")")
                .message().doesNotContain("topsecret");
    }

    @Test
    void whenLinesAreWrongThenEachErrorSaysWhatIsWrong() {
        assertError("alice \"pw\"", "line 1: expected the user name in double quotes; each line is \"username\" \"secret\"");
        assertError("\"alice\" pw", "line 1: expected the secret in double quotes");
        assertError("\"alice\"", "line 1: expected the secret in double quotes");
        assertError("\"alice\" \"pw\" \"2030-01-01\"", "line 1: unexpected text after the secret");
        assertError("\"\" \"pw\"", "line 1: the user name is empty");
        assertError("\"alice\" \"\"", "line 1: the secret is empty");
        assertError("\n\"alice\" \"a\"\n\"alice\" \"b\"", "line 3: user \"alice\" is already listed on line 2");
        assertError("\"alice\" \"\u00ad\u200b\"", "line 1: the password is empty once SASLprep drops its invisible characters");
    }

    @Test
    void whenHashedSecretIsDamagedThenErrorSaysWhichPartWithoutQuotingIt() {
        String damagedKey = ALICE_SCRAM.substring(0, ALICE_SCRAM.length() - 3);
        assertError("\"alice\" \"" + damagedKey + "\"", "line 1: the SCRAM ServerKey is not valid base64");
        assertError("\"alice\" \"SCRAM-SHA-256$many:c2FsdA==$a:b\"", "line 1: the SCRAM iteration count is not a number");
        assertError("\"alice\" \"SCRAM-SHA-256$4096:c2FsdA==\"", "line 1: a SCRAM secret has the form");
        assertError("\"bob\" \"md5zzzz14bcc08bcb211f578153967abd6d\"", "line 1: the secret looks like an md5 hash");
        assertThatThrownBy(() -> parse("\"alice\" \"" + damagedKey + "\"")).message().doesNotContain("OVwjqIqsAf2vhWA51Enn5BxOv1BzXn6Gpna9", "VLB5o8JyR92zEea1bdqgGA");
    }

    @Test
    void whenFileIsMissingOrNotUtf8ThenErrorNamesIt() throws IOException {
        Path missing = dir.resolve("absent.txt");
        assertThatThrownBy(() -> UserList.load(missing)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot read the users file " + missing);

        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, "\"alice\" \"p\u00e4ss\"".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> UserList.load(latin1)).isInstanceOf(IOException.class)
                .hasMessage("the users file " + latin1 + " is not valid UTF-8; save it as UTF-8");
    }

    @Test
    void whenPrintedThenNoSecretShows() throws IOException {
        UserList users = parse("\"alice\" \"" + ALICE_SCRAM + "\"\n\"bob\" \"" + BOB_MD5 + "\"\n\"carl\" \"plainpw\"");
        assertThat(users.toString()).isEqualTo("UserList[3 users]");
        for (String user : new String[] {"alice", "bob", "carl"}) {
            assertThat(users.find(user).orElseThrow().toString())
                    .doesNotContain("plainpw", BOB_MD5.substring(3), ALICE_SCRAM.substring(20, 40));
        }
    }

    private static UserList parse(String text) throws IOException {
        return UserList.parse("users.txt", text, RANDOM);
    }

    private static void assertError(String text, String expected) {
        assertThatThrownBy(() -> parse(text)).isInstanceOf(IOException.class).hasMessageStartingWith("users.txt " + expected);
    }
}
