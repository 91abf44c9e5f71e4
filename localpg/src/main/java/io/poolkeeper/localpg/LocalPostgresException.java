package io.poolkeeper.localpg;

/** A local PostgreSQL server could not be set up, driven or reached; the message says what to do. */
public final class LocalPostgresException extends RuntimeException {

    public LocalPostgresException(String message) {
        super(message);
    }

    public LocalPostgresException(String message, Throwable cause) {
        super(message, cause);
    }
}
