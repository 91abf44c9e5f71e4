package io.poolkeeper.sidecar.auth;

import io.poolkeeper.sidecar.auth.ClientAuthFailure.Reason;
import io.poolkeeper.sidecar.auth.ScramMessages.ClientFinal;
import io.poolkeeper.sidecar.auth.ScramMessages.ClientFirst;
import io.poolkeeper.sidecar.auth.ScramMessages.InvalidMessage;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The server side of one SCRAM-SHA-256 login (RFC 5802, RFC 7677) as PostgreSQL runs it: only
 * the mechanism {@value #MECHANISM}, without channel binding. Written here because no maintained
 * library on Maven Central has a SCRAM server; the key arithmetic comes from ongres scram-common.
 *
 * <p>The session sends AuthenticationSASL (10) listing {@link #MECHANISM}, passes the
 * SASLInitialResponse to {@link #handleClientFirst}, sends a {@link Step.Challenge} as
 * SASLContinue (11), passes the SASLResponse to {@link #handleClientFinal}, and sends an
 * {@link Step.Accepted} as SASLFinal (12) followed by AuthenticationOk. A {@link Step.Rejected}
 * at either step ends the login with that failure. Not thread-safe: one exchange per login.
 */
public final class ScramServerExchange {

    public static final String MECHANISM = "SCRAM-SHA-256";
    /** 18 random bytes make PostgreSQL's 24-character server nonce. */
    private static final int SERVER_NONCE_BYTES = 18;
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    /** What to send the client next. */
    public sealed interface Step {
        /** Send {@code serverFirstMessage} as SASLContinue and wait for the client's final message. */
        record Challenge(byte[] serverFirstMessage) implements Step {
        }

        /** The client proved the password: send {@code serverFinalMessage} as SASLFinal, then AuthenticationOk. */
        record Accepted(byte[] serverFinalMessage) implements Step {
        }

        /** The login failed: send the failure's ErrorResponse and close. */
        record Rejected(ClientAuthFailure failure) implements Step {
        }
    }

    private enum Stage { AWAITING_CLIENT_FIRST, AWAITING_CLIENT_FINAL, FINISHED }

    private final String user;
    private final ScramCredentials credentials;
    private final String serverNonce;
    private Stage stage = Stage.AWAITING_CLIENT_FIRST;
    private ClientFirst clientFirst;
    private String serverFirst;

    ScramServerExchange(String user, ScramCredentials credentials, String serverNonce) {
        this.user = user;
        this.credentials = credentials;
        this.serverNonce = serverNonce;
    }

    /**
     * @param user the user name from the startup packet; the SCRAM message's own {@code n=} is
     *     ignored, as PostgreSQL ignores it (libpq and pgjdbc send it empty)
     * @param secret the user's entry in the users file; empty for an unknown user, who gets an
     *     exchange that fails like a wrong password
     */
    public static ScramServerExchange start(String user, Optional<UserSecret> secret, SecureRandom random) {
        byte[] nonce = new byte[SERVER_NONCE_BYTES];
        random.nextBytes(nonce);
        return new ScramServerExchange(user, ScramCredentials.of(user, secret, random), BASE64.encodeToString(nonce));
    }

    /** True until the client's first message has been handled. */
    public boolean isAwaitingClientFirst() {
        return stage == Stage.AWAITING_CLIENT_FIRST;
    }

    /**
     * @param mechanism the mechanism named in the SASLInitialResponse
     * @param clientFirstMessage its data; {@code null} when the client sent none (length -1)
     * @return a {@link Step.Challenge} or a {@link Step.Rejected}
     * @throws IllegalStateException if called twice
     */
    public Step handleClientFirst(String mechanism, byte[] clientFirstMessage) {
        advance(Stage.AWAITING_CLIENT_FIRST, Stage.AWAITING_CLIENT_FINAL);
        if (!MECHANISM.equals(mechanism)) {
            return reject(Reason.UNSUPPORTED_REQUEST, "client chose a SASL mechanism other than " + MECHANISM);
        }
        if (clientFirstMessage == null) return reject(Reason.MALFORMED_MESSAGE, "SASLInitialResponse carried no data");
        try {
            clientFirst = ScramMessages.parseClientFirst(clientFirstMessage);
        } catch (InvalidMessage e) {
            return reject(e.reason(), e.getMessage());
        }
        ScramSecret secret = credentials.secret();
        serverFirst = "r=" + clientFirst.clientNonce() + serverNonce
                + ",s=" + BASE64.encodeToString(secret.salt())
                + ",i=" + secret.iterations();
        return new Step.Challenge(ScramMessages.bytes(serverFirst));
    }

    /**
     * @param clientFinalMessage the data of the client's SASLResponse
     * @return a {@link Step.Accepted} or a {@link Step.Rejected}
     * @throws IllegalStateException unless {@link #handleClientFirst} returned a challenge
     */
    public Step handleClientFinal(byte[] clientFinalMessage) {
        advance(Stage.AWAITING_CLIENT_FINAL, Stage.FINISHED);
        ClientFinal clientFinal;
        try {
            clientFinal = ScramMessages.parseClientFinal(clientFinalMessage);
        } catch (InvalidMessage e) {
            return reject(e.reason(), e.getMessage());
        }
        if (!clientFinal.channelBinding().equals(expectedChannelBinding())) {
            return reject(Reason.MALFORMED_MESSAGE, "channel binding c= does not repeat the gs2 header of the first message");
        }
        if (!clientFinal.nonce().equals(clientFirst.clientNonce() + serverNonce)) {
            return reject(Reason.MALFORMED_MESSAGE, "nonce r= is not the client nonce followed by the server nonce");
        }
        byte[] authMessage = ScramMessages.bytes(clientFirst.bare() + "," + serverFirst + "," + clientFinal.withoutProof());
        ScramSecret secret = credentials.secret();
        // Checked even when doomed, so an unknown user costs the same time as a wrong password.
        boolean proven = secret.verifyClientProof(clientFinal.proof(), authMessage);
        if (credentials.doomedBy().isPresent()) {
            return reject(credentials.doomedBy().get(), "went through a mock exchange");
        }
        if (!proven) return reject(Reason.WRONG_PASSWORD, "client proof does not match the SCRAM secret");
        return new Step.Accepted(ScramMessages.bytes("v=" + BASE64.encodeToString(secret.serverSignature(authMessage))));
    }

    /** Base64 of the bare gs2 header: no channel binding data follows it since we offer no -PLUS. */
    private String expectedChannelBinding() {
        return clientFirst.cbindFlag() == 'y' ? "eSws" : "biws";
    }

    private void advance(Stage expected, Stage next) {
        if (stage != expected) {
            throw new IllegalStateException("SCRAM exchange for user \"" + user + "\" is at " + stage
                    + ", not " + expected + ": call handleClientFirst once, then handleClientFinal once after a Challenge");
        }
        stage = next;
    }

    private Step reject(Reason reason, String detail) {
        stage = Stage.FINISHED;
        return new Step.Rejected(new ClientAuthFailure(user, reason, detail));
    }
}
