package io.poolkeeper.sidecar.protocol;

/**
 * An error the proxy reports to a client as an ErrorResponse. {@code fatal} errors end the
 * client's connection, as PostgreSQL's FATAL does.
 */
public final class PgError extends Exception {
    private final String sqlState;
    private final boolean fatal;
    private final String hint;

    public PgError(String sqlState, String message, boolean fatal, String hint) {
        super(message, null, false, false);
        this.sqlState = sqlState;
        this.fatal = fatal;
        this.hint = hint;
    }

    public static PgError error(String sqlState, String message) {
        return new PgError(sqlState, message, false, null);
    }

    public static PgError fatal(String sqlState, String message) {
        return new PgError(sqlState, message, true, null);
    }

    public PgError withHint(String hint) {
        return new PgError(sqlState, getMessage(), fatal, hint);
    }

    public String sqlState() {
        return sqlState;
    }

    public boolean fatal() {
        return fatal;
    }

    public String hint() {
        return hint;
    }
}
