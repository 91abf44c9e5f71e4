package io.poolkeeper.api.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a client authenticates to the sidecar; the names are PostgreSQL's own (pg_hba.conf). */
public enum AuthMethod {
    TRUST("trust"),
    MD5("md5"),
    SCRAM_SHA_256("scram-sha-256");

    private final String wireName;

    AuthMethod(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static AuthMethod fromWireName(String name) {
        for (AuthMethod m : values()) {
            if (m.wireName.equalsIgnoreCase(name)) return m;
        }
        throw new IllegalArgumentException("'" + name + "' is not an auth method: use trust, md5 or scram-sha-256");
    }
}
