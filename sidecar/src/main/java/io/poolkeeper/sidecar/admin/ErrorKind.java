package io.poolkeeper.sidecar.admin;

import java.util.Locale;

/**
 * The fixed kinds of {@code poolkeeper_errors_total{kind=...}}: few enough that every one can have
 * an alert, and never a free-text tag that would explode the series count.
 */
public enum ErrorKind {
    /** The server answered a statement with an ErrorResponse. */
    SERVER_ERROR,
    /** A client gave up waiting for a server connection; {@link ServerMetrics#acquireTimedOut} counts it. */
    ACQUIRE_TIMEOUT,
    /** Opening a server connection failed. */
    CONNECT_FAILED,
    /** A client sent bytes that are not PostgreSQL protocol v3. */
    PROTOCOL,
    /** A client failed authentication. */
    AUTH_FAILED,
    /** A client went away inside a transaction, so the server connection had to be rolled back or dropped. */
    CLIENT_DISCONNECT_IN_TRANSACTION,
    /** A statement ran past the query timeout and was cancelled on the server. */
    QUERY_TIMEOUT;

    private final String tagValue = name().toLowerCase(Locale.ROOT);

    public String tagValue() {
        return tagValue;
    }
}
