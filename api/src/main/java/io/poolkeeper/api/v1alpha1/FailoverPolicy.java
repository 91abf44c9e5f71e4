package io.poolkeeper.api.v1alpha1;

/** What the operator does when the primary changes or fails. */
public enum FailoverPolicy {
    /** Something else (Patroni, CloudNativePG, a person) promotes; the pools follow the new primary. */
    Follow,
    /** The operator itself promotes the most advanced healthy replica when the primary stays unreachable. */
    Promote
}
