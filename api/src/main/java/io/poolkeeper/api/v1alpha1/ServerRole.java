package io.poolkeeper.api.v1alpha1;

/** What the last probe of a server found it to be. */
public enum ServerRole {
    Primary,
    Replica,
    /** Never reached, so not known. */
    Unknown
}
