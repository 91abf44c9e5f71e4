package io.poolkeeper.sidecar.auth;

import static io.poolkeeper.sidecar.auth.PostgresSecrets.ALICE_PASSWORD;
import static io.poolkeeper.sidecar.auth.PostgresSecrets.ALICE_SCRAM;
import static io.poolkeeper.sidecar.auth.PostgresSecrets.BOB_MD5;
import static io.poolkeeper.sidecar.auth.PostgresSecrets.CAROL_PASSWORD;
import static io.poolkeeper.sidecar.auth.PostgresSecrets.CAROL_PASSWORD_AFTER_SASLPREP;
import static io.poolkeeper.sidecar.auth.PostgresSecrets.CAROL_SCRAM;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.ServerFirstMessage;
import com.ongres.scram.common.StringPreparation;
import io.poolkeeper.sidecar.auth.ClientAuthFailure.Reason;
import io.poolkeeper.sidecar.auth.ScramServerExchange.Step;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScramServerExchangeTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";

    @Test
    void whenReplayingRfc7677ThenEveryServerMessageMatchesTheRfc() {
        ScramSecret pencil = ScramSecret.fromPassword("pencil", Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        ScramServerExchange server = new ScramServerExchange(
                "user", new ScramCredentials(pencil, Optional.empty()), "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");

        Step first = server.handleClientFirst("SCRAM-SHA-256", ascii("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"));
        assertThat(text(((Step.Challenge) first).serverFirstMessage()))
                .isEqualTo("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");

        Step last = server.handleClientFinal(ascii("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));
        assertThat(text(((Step.Accepted) last).serverFinalMessage()))
                .isEqualTo("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    }

    @Test
    void whenUserHasPlaintextPasswordThenPgjdbcsScramClientLogsIn() throws Exception {
        UserSecret secret = UserSecret.parse("s3cret with spaces", RANDOM);
        assertThat(login("dave", Optional.of(secret), "s3cret with spaces")).isInstanceOf(Step.Accepted.class);
    }

    @Test
    void whenUserHasPostgresScramSecretThenPgjdbcsScramClientLogsIn() throws Exception {
        assertThat(login("alice", Optional.of(UserSecret.parse(ALICE_SCRAM, RANDOM)), ALICE_PASSWORD))
                .isInstanceOf(Step.Accepted.class);
    }

    @Test
    void whenPasswordNeedsSaslprepThenBothSpellingsMatchPostgresSecret() throws Exception {
        Optional<UserSecret> carol = Optional.of(UserSecret.parse(CAROL_SCRAM, RANDOM));
        assertThat(login("carol", carol, CAROL_PASSWORD)).isInstanceOf(Step.Accepted.class);
        assertThat(login("carol", carol, CAROL_PASSWORD_AFTER_SASLPREP)).isInstanceOf(Step.Accepted.class);
    }

    @Test
    void whenClientSupportsChannelBindingButServerOffersNoPlusThenYFlagLogsIn() throws Exception {
        ScramServerExchange server = ScramServerExchange.start("alice", Optional.of(UserSecret.parse(ALICE_SCRAM, RANDOM)), RANDOM);
        ScramClient client = ScramClient.builder()
                .advertisedMechanisms(List.of(ScramServerExchange.MECHANISM))
                .username("*")
                .password(ALICE_PASSWORD.toCharArray())
                .channelBinding("tls-server-end-point", new byte[32])
                .build();
        String clientFirst = client.clientFirstMessage().toString();
        assertThat(clientFirst).startsWith("y,,");

        Step challenge = server.handleClientFirst(ScramServerExchange.MECHANISM, ascii(clientFirst));
        client.serverFirstMessage(text(((Step.Challenge) challenge).serverFirstMessage()));
        Step last = server.handleClientFinal(ascii(client.clientFinalMessage().toString()));

        client.serverFinalMessage(text(((Step.Accepted) last).serverFinalMessage()));
    }

    @Test
    void whenPasswordIsWrongThenRejectedWithPostgresMessage() throws Exception {
        Step step = login("alice", Optional.of(UserSecret.parse(ALICE_SCRAM, RANDOM)), "wrong horse");
        ClientAuthFailure failure = ((Step.Rejected) step).failure();
        assertThat(failure.reason()).isEqualTo(Reason.WRONG_PASSWORD);
        assertThat(failure.clientMessage()).isEqualTo("password authentication failed for user \"alice\"");
        assertThat(failure.sqlState()).isEqualTo("28P01");
    }

    @Test
    void whenUserIsUnknownThenExchangeLooksAndFailsLikeWrongPassword() throws Exception {
        ClientAuthFailure unknown = ((Step.Rejected) login("mallory", Optional.empty(), "guess")).failure();
        ClientAuthFailure wrong = ((Step.Rejected) login(
                "mallory", Optional.of(UserSecret.parse(ALICE_SCRAM, RANDOM)), "guess")).failure();

        assertThat(unknown.reason()).isEqualTo(Reason.UNKNOWN_USER);
        assertThat(unknown.clientMessage()).isEqualTo(wrong.clientMessage());
        assertThat(unknown.sqlState()).isEqualTo(wrong.sqlState());
    }

    @Test
    void whenUserIsUnknownThenSaltIsStablePerNameLikeARealSecret() {
        ServerFirstMessage first = serverFirst("mallory", Optional.empty());
        ServerFirstMessage again = serverFirst("mallory", Optional.empty());
        ServerFirstMessage other = serverFirst("trudy", Optional.empty());
        ServerFirstMessage real = serverFirst("alice", Optional.of(UserSecret.parse(ALICE_SCRAM, RANDOM)));

        assertThat(first.getSalt()).isEqualTo(again.getSalt()).isNotEqualTo(other.getSalt());
        assertThat(Base64.getDecoder().decode(first.getSalt())).hasSameSizeAs(Base64.getDecoder().decode(real.getSalt()));
        assertThat(first.getIterationCount()).isEqualTo(real.getIterationCount()).isEqualTo(4096);
        assertThat(first.getServerNonce()).isNotEqualTo(again.getServerNonce()).hasSize(24);
    }

    @Test
    void whenUserHasOnlyAnMd5HashThenScramRunsAMockExchangeAndFails() throws Exception {
        Step step = login("bob", Optional.of(UserSecret.parse(BOB_MD5, RANDOM)), PostgresSecrets.BOB_PASSWORD);
        assertThat(((Step.Rejected) step).failure().reason()).isEqualTo(Reason.NO_USABLE_SECRET);
    }

    @Test
    void whenFinalNonceIsTamperedThenRejected() {
        ScramServerExchange server = rfcServer();
        server.handleClientFirst("SCRAM-SHA-256", ascii("n,,n=,r=" + CLIENT_NONCE));
        Step step = server.handleClientFinal(ascii("c=biws,r=" + CLIENT_NONCE + "FORGED,p=" + proofOf32Bytes()));
        assertRejected(step, Reason.MALFORMED_MESSAGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"eSws", "cD10bHMtc2VydmVyLWVuZC1wb2ludCws", ""})
    void whenChannelBindingDoesNotRepeatTheNFlagThenRejected(String cbind) {
        ScramServerExchange server = rfcServer();
        server.handleClientFirst("SCRAM-SHA-256", ascii("n,,n=,r=" + CLIENT_NONCE));
        Step step = server.handleClientFinal(ascii("c=" + cbind + ",r=" + CLIENT_NONCE + "SERVER,p=" + proofOf32Bytes()));
        assertRejected(step, Reason.MALFORMED_MESSAGE);
    }

    @Test
    void whenClientRequiresChannelBindingThenRejectedAsUnsupported() {
        assertRejected(rfcServer().handleClientFirst("SCRAM-SHA-256", ascii("p=tls-server-end-point,,n=,r=abc")),
                Reason.UNSUPPORTED_REQUEST);
        assertRejected(rfcServer().handleClientFirst("SCRAM-SHA-256-PLUS", ascii("p=tls-server-end-point,,n=,r=abc")),
                Reason.UNSUPPORTED_REQUEST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"n,a=admin,n=,r=abc", "n,,m=ext,n=,r=abc"})
    void whenClientAsksForAuthzidOrMandatoryExtensionThenRejectedAsUnsupported(String clientFirst) {
        assertRejected(rfcServer().handleClientFirst("SCRAM-SHA-256", ascii(clientFirst)), Reason.UNSUPPORTED_REQUEST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "n", "n,,", "n,,n=", "x,,n=,r=abc", "n,,r=abc,n=", "n,,n=,r=", "n,,n=,r=a\u0001b",
        "n,,n=,r=abc,garbage", "n,junk,n=,r=abc", "\u00ff\u00fe\u0000"})
    void whenClientFirstIsMalformedThenRejectedWithoutException(String clientFirst) {
        Step step = rfcServer().handleClientFirst("SCRAM-SHA-256", clientFirst.getBytes(ISO_8859_1));
        assertRejected(step, Reason.MALFORMED_MESSAGE);
    }

    @Test
    void whenSaslInitialResponseHasNoDataThenRejected() {
        assertRejected(rfcServer().handleClientFirst("SCRAM-SHA-256", null), Reason.MALFORMED_MESSAGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "c=biws", "c=biws,r=NONCE", "r=NONCE,c=biws,p=PROOF", "c=biws,r=NONCE,p=not*base64",
        "c=biws,r=NONCE,p=c2hvcnQ=", "c=biws,r=NONCE,p=PROOF,x=after", "c=biws,r=NONCE,p=PROOF,p=PROOF",
        "c=biws,r=NONCE,???,p=PROOF"})
    void whenClientFinalIsMalformedThenRejectedWithoutException(String template) {
        ScramServerExchange server = rfcServer();
        server.handleClientFirst("SCRAM-SHA-256", ascii("n,,n=,r=" + CLIENT_NONCE));
        String clientFinal = template.replace("NONCE", CLIENT_NONCE + "SERVER").replace("PROOF", proofOf32Bytes());
        assertRejected(server.handleClientFinal(ascii(clientFinal)), Reason.MALFORMED_MESSAGE);
    }

    @Test
    void whenMessagesCarryUnknownExtensionsThenTheyAreIgnoredButSigned() {
        String clientFirstBare = "n=,r=" + CLIENT_NONCE + ",x=future";
        String serverFirst = text(((Step.Challenge) rfcServer().handleClientFirst("SCRAM-SHA-256", ascii("n,," + clientFirstBare)))
                .serverFirstMessage());
        String finalWithoutProof = "c=biws,r=" + CLIENT_NONCE + "SERVER,y=ext";
        String authMessage = clientFirstBare + "," + serverFirst + "," + finalWithoutProof;

        ScramServerExchange server = rfcServer();
        server.handleClientFirst("SCRAM-SHA-256", ascii("n,," + clientFirstBare));
        Step last = server.handleClientFinal(ascii(finalWithoutProof + ",p=" + pencilProof(authMessage)));
        assertThat(last).isInstanceOf(Step.Accepted.class);

        ScramServerExchange unsigned = rfcServer();
        unsigned.handleClientFirst("SCRAM-SHA-256", ascii("n,," + clientFirstBare));
        String authMessageWithoutExtension = clientFirstBare + "," + serverFirst + ",c=biws,r=" + CLIENT_NONCE + "SERVER";
        assertRejected(unsigned.handleClientFinal(ascii(finalWithoutProof + ",p=" + pencilProof(authMessageWithoutExtension))),
                Reason.WRONG_PASSWORD);
    }

    @Test
    void whenFailureIsLoggedThenNeitherPasswordNorProofAppears() throws Exception {
        ScramServerExchange server = rfcServer();
        server.handleClientFirst("SCRAM-SHA-256", ascii("n,,n=,r=" + CLIENT_NONCE));
        String proof = proofOf32Bytes();
        ClientAuthFailure failure = ((Step.Rejected) server.handleClientFinal(
                ascii("c=biws,r=" + CLIENT_NONCE + "SERVER,p=" + proof))).failure();
        assertThat(failure.logMessage()).contains("alice", "wrong password").doesNotContain(proof, "pencil");
    }

    @Test
    void whenCalledOutOfOrderThenIllegalState() {
        ScramServerExchange server = rfcServer();
        assertThatThrownBy(() -> server.handleClientFinal(ascii("c=biws"))).isInstanceOf(IllegalStateException.class);

        ScramServerExchange rejected = rfcServer();
        rejected.handleClientFirst("SCRAM-SHA-256", ascii("garbage"));
        assertThatThrownBy(() -> rejected.handleClientFinal(ascii("c=biws"))).isInstanceOf(IllegalStateException.class);
    }

    /** Drives a whole login with the SCRAM client pgjdbc shades, checking the server signature too. */
    private static Step login(String user, Optional<UserSecret> secret, String password) throws Exception {
        ScramServerExchange server = ScramServerExchange.start(user, secret, RANDOM);
        ScramClient client = ScramClient.builder()
                .advertisedMechanisms(List.of(ScramServerExchange.MECHANISM))
                .username("*")
                .password(password.toCharArray())
                .stringPreparation(StringPreparation.POSTGRESQL_PREPARATION)
                .build();
        Step challenge = server.handleClientFirst(client.getScramMechanism().getName(), ascii(client.clientFirstMessage().toString()));
        client.serverFirstMessage(text(((Step.Challenge) challenge).serverFirstMessage()));
        Step last = server.handleClientFinal(ascii(client.clientFinalMessage().toString()));
        if (last instanceof Step.Accepted accepted) client.serverFinalMessage(text(accepted.serverFinalMessage()));
        return last;
    }

    private static ServerFirstMessage serverFirst(String user, Optional<UserSecret> secret) {
        Step step = ScramServerExchange.start(user, secret, RANDOM).handleClientFirst("SCRAM-SHA-256", ascii("n,,n=,r=" + CLIENT_NONCE));
        try {
            return ServerFirstMessage.parseFrom(text(((Step.Challenge) step).serverFirstMessage()), CLIENT_NONCE);
        } catch (Exception e) {
            throw new AssertionError("server-first-message does not parse", e);
        }
    }

    /** A known secret ("pencil") with a fixed server nonce, so tests can write the client's messages by hand. */
    private static ScramServerExchange rfcServer() {
        ScramSecret pencil = ScramSecret.fromPassword("pencil", Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        return new ScramServerExchange("alice", new ScramCredentials(pencil, Optional.empty()), "SERVER");
    }

    /** The client's proof for "pencil" over {@code authMessage}, computed by ongres' own functions. */
    private static String pencilProof(String authMessage) {
        ScramMechanism sha256 = ScramMechanism.SCRAM_SHA_256;
        byte[] salted = ScramFunctions.saltedPassword(sha256, StringPreparation.POSTGRESQL_PREPARATION,
                "pencil".toCharArray(), Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        byte[] clientKey = ScramFunctions.clientKey(sha256, salted);
        byte[] signature = ScramFunctions.clientSignature(sha256, ScramFunctions.storedKey(sha256, clientKey), authMessage);
        return Base64.getEncoder().encodeToString(ScramFunctions.clientProof(clientKey, signature));
    }

    private static String proofOf32Bytes() {
        return Base64.getEncoder().encodeToString(new byte[32]);
    }

    private static void assertRejected(Step step, Reason reason) {
        assertThat(step).isInstanceOfSatisfying(Step.Rejected.class, r -> {
            assertThat(r.failure().reason()).isEqualTo(reason);
            assertThat(r.failure().clientMessage()).isEqualTo("password authentication failed for user \"" + r.failure().user() + "\"");
        });
    }

    private static byte[] ascii(String text) {
        return text.getBytes(US_ASCII);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, US_ASCII);
    }
}
