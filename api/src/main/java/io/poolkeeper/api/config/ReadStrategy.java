package io.poolkeeper.api.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a read picks among the replicas that can take it (the names the DatabasePool resource uses). */
public enum ReadStrategy {
    ROUND_ROBIN("RoundRobin"),
    WEIGHTED("Weighted"),
    RANDOM("Random"),
    LEAST_CONNECTIONS("LeastConnections");

    private final String wireName;

    ReadStrategy(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static ReadStrategy fromWireName(String name) {
        for (ReadStrategy s : values()) {
            if (s.wireName.equalsIgnoreCase(name) || s.name().equalsIgnoreCase(name)) return s;
        }
        throw new IllegalArgumentException("'" + name + "' is not a read strategy: use RoundRobin, Weighted, Random or LeastConnections");
    }
}
