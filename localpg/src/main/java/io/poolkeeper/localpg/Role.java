package io.poolkeeper.localpg;

/** What a local server currently is; a replica becomes a primary when promoted. */
public enum Role {
    PRIMARY,
    REPLICA
}
