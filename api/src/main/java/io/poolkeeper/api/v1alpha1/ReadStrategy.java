package io.poolkeeper.api.v1alpha1;

/** How a read picks among the healthy replicas. */
public enum ReadStrategy {
    RoundRobin,
    Weighted,
    Random,
    LeastConnections
}
