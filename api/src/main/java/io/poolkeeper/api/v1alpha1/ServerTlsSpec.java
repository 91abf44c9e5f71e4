package io.poolkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.poolkeeper.api.config.ServerSslMode;
import java.util.Objects;

/**
 * TLS from the pools (and the operator's probes) to the PostgreSQL servers. The Secrets are
 * mounted into the pool's pods by reference; their values never enter the rendered config.
 */
public record ServerTlsSpec(
        @JsonPropertyDescription("libpq's sslmode towards the servers: disable, prefer (default: TLS when the server offers it, certificate not checked), require, verify-ca or verify-full.")
        ServerSslMode mode,
        @Pattern(Patterns.NAME) @JsonPropertyDescription("Secret holding the PEM bundle of the CA(s) that signed the servers' certificates; required for verify-ca and verify-full.")
        String caSecret,
        @Pattern("^[-._a-zA-Z0-9]+$") @JsonPropertyDescription("Key of caSecret holding the CA bundle; default ca.crt.")
        String caKey,
        @Pattern(Patterns.NAME) @JsonPropertyDescription("Secret of type kubernetes.io/tls (tls.crt, tls.key as unencrypted PKCS#8 PEM): the client certificate for servers that ask for one.")
        String clientCertSecret) {

    public static final String DEFAULT_CA_KEY = "ca.crt";

    public ServerTlsSpec {
        mode = Objects.requireNonNullElse(mode, ServerSslMode.PREFER);
        caKey = Objects.requireNonNullElse(caKey, DEFAULT_CA_KEY);
    }

    public static ServerTlsSpec defaults() {
        return new ServerTlsSpec(null, null, null, null);
    }
}
