package io.poolkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One server as the operator's probes see it. */
public record ServerStatus(
        @JsonPropertyDescription("host:port")
        String endpoint,
        @JsonPropertyDescription("Primary or Replica by pg_is_in_recovery(); Unknown when never reached.")
        ServerRole role,
        @JsonPropertyDescription("The last probe reached the server.")
        Boolean healthy,
        @JsonPropertyDescription("Probes in a row that failed.")
        Integer failedProbes,
        @JsonPropertyDescription("Bytes of WAL the replica has yet to replay, against the current primary.")
        Long lagBytes,
        @JsonPropertyDescription("Connections the pools may share: max_connections minus reserved, or spec.sizing.serverMaxConnections.")
        Integer maxConnections,
        @JsonPropertyDescription("Fenced after a promotion: no pool sends it traffic until it is removed from the spec or re-added.")
        Boolean fenced,
        @JsonPropertyDescription("Why the last probe failed.")
        String message) {}
