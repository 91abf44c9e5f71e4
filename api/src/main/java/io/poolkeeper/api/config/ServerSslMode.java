package io.poolkeeper.api.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How the sidecar and the operator use TLS towards the PostgreSQL servers; the names and meanings
 * are libpq's {@code sslmode} (without {@code allow}, which only ever downgrades).
 */
public enum ServerSslMode {
    /** Never TLS. */
    DISABLE("disable"),
    /** TLS when the server offers it, plain otherwise; the server's certificate is not checked. */
    PREFER("prefer"),
    /** Always TLS, failing against a server without it; the server's certificate is not checked. */
    REQUIRE("require"),
    /** Always TLS, and the server's certificate must chain to the configured CA. */
    VERIFY_CA("verify-ca"),
    /** As verify-ca, and the certificate must also name the host connected to. */
    VERIFY_FULL("verify-full");

    private final String wireName;

    ServerSslMode(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** True for the modes that check the server's certificate against a CA. */
    public boolean verifiesCertificate() {
        return this == VERIFY_CA || this == VERIFY_FULL;
    }

    @JsonCreator
    public static ServerSslMode fromWireName(String name) {
        for (ServerSslMode m : values()) {
            if (m.wireName.equalsIgnoreCase(name)) return m;
        }
        throw new IllegalArgumentException("'" + name + "' is not a server TLS mode: use disable, prefer, require, verify-ca or verify-full");
    }
}
