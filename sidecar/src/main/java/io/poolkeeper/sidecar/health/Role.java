package io.poolkeeper.sidecar.health;

import java.util.Locale;

/** What a server is, as its probes last found it. */
public enum Role {
    /** Accepts writes and is the one writes go to. */
    PRIMARY,
    /** In recovery, streaming from the primary; takes reads. */
    REPLICA,
    /** Writable but on an older timeline than the primary: a returning old primary. Takes nothing. */
    FENCED,
    /** Not reached yet, or not reachable. */
    UNKNOWN;

    public String tagValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
