package io.poolkeeper.sidecar.auth;

/**
 * A client that did not prove who it is. The client only ever sees {@link #clientMessage()}, the
 * same for every reason, so that it cannot tell an unknown user from a wrong password; the
 * {@link #reason()} and {@link #detail()} are for the sidecar's own DEBUG log and never hold a
 * password, hash or proof.
 */
public record ClientAuthFailure(String user, Reason reason, String detail) {

    /** PostgreSQL's {@code invalid_password}, which it sends for every failed password login. */
    public static final String SQLSTATE = "28P01";

    /** Why the login failed, for operators; never shown to the client. */
    public enum Reason {
        UNKNOWN_USER("user is not in the users file"),
        NO_USABLE_SECRET("the users file has no secret this method can check"),
        WRONG_PASSWORD("wrong password"),
        MALFORMED_MESSAGE("malformed authentication message"),
        UNSUPPORTED_REQUEST("client asked for something the sidecar does not offer");

        private final String description;

        Reason(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** The ErrorResponse message text, worded as PostgreSQL words it. */
    public String clientMessage() {
        return "password authentication failed for user \"" + user + "\"";
    }

    /** The ErrorResponse SQLSTATE code. */
    public String sqlState() {
        return SQLSTATE;
    }

    /** One line for the DEBUG log: what the client saw, then the real reason. */
    public String logMessage() {
        return clientMessage() + ": " + reason.description() + " (" + detail + ")";
    }
}
