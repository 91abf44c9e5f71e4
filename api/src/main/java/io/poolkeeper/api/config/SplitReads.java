package io.poolkeeper.api.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Whether the main listener sends read-only transactions to replicas (Auto) or everything to the primary (Off). */
public enum SplitReads {
    AUTO("Auto"),
    OFF("Off");

    private final String wireName;

    SplitReads(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static SplitReads fromWireName(String name) {
        for (SplitReads s : values()) {
            if (s.wireName.equalsIgnoreCase(name)) return s;
        }
        throw new IllegalArgumentException("'" + name + "' is not a splitReads mode: use Auto or Off");
    }
}
