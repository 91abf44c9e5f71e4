package io.poolkeeper.sidecar.admin;

import java.util.Locale;

/** Where a client is in its session, as {@code poolkeeper_clients{state=...}} counts it. */
public enum ClientState {
    /** Connected, startup and authentication not finished. */
    LOGIN,
    /** Logged in, between transactions, holding no server connection. */
    IDLE,
    /** Has a statement to run and is waiting for a server connection. */
    WAITING,
    /** Holds a server connection for its transaction. */
    ACTIVE;

    private final String tagValue = name().toLowerCase(Locale.ROOT);

    public String tagValue() {
        return tagValue;
    }
}
