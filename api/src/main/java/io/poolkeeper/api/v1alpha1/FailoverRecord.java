package io.poolkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The last time the pools moved to another primary. */
public record FailoverRecord(
        @JsonPropertyDescription("When the operator saw the new primary (RFC 3339).")
        String time,
        @JsonPropertyDescription("The previous primary, host:port.")
        String from,
        @JsonPropertyDescription("The new primary, host:port.")
        String to,
        @JsonPropertyDescription("PrimaryChanged (another server became primary) or Promoted (the operator promoted it).")
        String reason) {}
