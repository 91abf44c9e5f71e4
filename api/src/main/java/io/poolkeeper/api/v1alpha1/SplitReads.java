package io.poolkeeper.api.v1alpha1;

/** Whether the read-write port sends reads to replicas. */
public enum SplitReads {
    /** Classify each transaction; read-only ones go to a replica. */
    Auto,
    /** Everything on the read-write port goes to the primary; only the read-only port reads from replicas. */
    Off
}
