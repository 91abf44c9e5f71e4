package io.poolkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import java.util.Objects;

/** Time limits, as durations such as 500ms, 2s, 30m or 1h; 0 turns off those that can be off. */
public record TimeoutsSpec(
        @Pattern(Patterns.DURATION) @JsonPropertyDescription("How long a client waits for a server connection before an error; default 2s.")
        String acquire,
        @Pattern(Patterns.DURATION) @JsonPropertyDescription("Close server connections idle this long above the minimum; 0 never; default 30s.")
        String idle,
        @Pattern(Patterns.DURATION) @JsonPropertyDescription("Replace server connections this old; 0 never; default 30m.")
        String maxLifetime,
        @Pattern(Patterns.DURATION) @JsonPropertyDescription("Cancel a statement on the server after this; 0 never; default 0.")
        String query,
        @Pattern(Patterns.DURATION) @JsonPropertyDescription("How long opening one server connection may take; default 5s.")
        String connect,
        @Pattern(Patterns.DURATION) @JsonPropertyDescription("Disconnect clients that have not logged in by then; default 15s.")
        String login) {

    public TimeoutsSpec {
        acquire = Objects.requireNonNullElse(acquire, "2s");
        idle = Objects.requireNonNullElse(idle, "30s");
        maxLifetime = Objects.requireNonNullElse(maxLifetime, "30m");
        query = Objects.requireNonNullElse(query, "0");
        connect = Objects.requireNonNullElse(connect, "5s");
        login = Objects.requireNonNullElse(login, "15s");
    }

    public static TimeoutsSpec defaults() {
        return new TimeoutsSpec(null, null, null, null, null, null);
    }
}
