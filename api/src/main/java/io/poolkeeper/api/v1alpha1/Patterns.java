package io.poolkeeper.api.v1alpha1;

/** Regular expressions shared by the schema annotations, so the CRD and the operator agree. */
final class Patterns {
    /** A DNS name or an IPv4/IPv6 address, without a port. */
    static final String HOST = "^[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?$";
    /** A duration as {@link io.poolkeeper.api.config.Durations} reads it: 500ms, 2s, 30m, 1h or 0. */
    static final String DURATION = "^(0|[0-9]+(ms|s|m|h))$";
    /** A Kubernetes object name (RFC 1123 subdomain). */
    static final String NAME = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    /** A Kubernetes label value. */
    static final String LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";

    private Patterns() {}
}
