package io.poolkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.poolkeeper.api.config.Endpoint;
import java.util.Objects;

/** A PostgreSQL server by address. */
public record ServerRef(
        @Required @Pattern(Patterns.HOST) @JsonPropertyDescription("Host name or IP address of the server.")
        String host,
        @Min(1) @Max(65535) @JsonPropertyDescription("Its port; default 5432.")
        Integer port) {

    public ServerRef {
        port = Objects.requireNonNullElse(port, 5432);
    }

    public Endpoint endpoint() {
        return new Endpoint(host, port);
    }
}
