package io.poolkeeper.sidecar.admin;

import java.util.Locale;

/** Why a server connection was closed instead of returned to its pool. */
public enum RetireReason {
    /** It served {@code pool.maxUsesPerConnection} transactions. */
    MAX_USES,
    /** Its socket or session failed. */
    BROKEN,
    /** It came back with session state a client left behind (open transaction, SET, temp tables). */
    DIRTY;

    private final String tagValue = name().toLowerCase(Locale.ROOT);

    public String tagValue() {
        return tagValue;
    }
}
