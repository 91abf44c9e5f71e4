package io.poolkeeper.api.v1alpha1;

/** Where the sidecar runs. */
public enum Topology {
    /** In pods of its own (a Deployment the operator owns), behind the {@code -rw} and {@code -ro} Services. */
    Standalone,
    /** As a container added to the pods of the workload named in {@code spec.targetRef}; clients use localhost. */
    Sidecar
}
