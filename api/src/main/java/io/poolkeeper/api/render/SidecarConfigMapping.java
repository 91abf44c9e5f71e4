package io.poolkeeper.api.render;

import static io.poolkeeper.api.render.SidecarLayout.*;

import io.poolkeeper.api.config.AuthMethod;
import io.poolkeeper.api.config.Durations;
import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.api.v1alpha1.DatabasePoolSpec;
import io.poolkeeper.api.v1alpha1.TimeoutsSpec;

/**
 * A DatabasePool's spec plus the facts the operator observed, as the sidecar config file every pod
 * of the pool reads. Pure: the same inputs always give the same file, so its hash tells when pods
 * must pick up a change.
 */
public final class SidecarConfigMapping {
    private SidecarConfigMapping() {}

    /** Expects a spec that passed validation: its durations parse. */
    public static SidecarConfig render(DatabasePoolSpec spec, RenderFacts facts) {
        TimeoutsSpec t = spec.timeouts();
        return new SidecarConfig(
                "0.0.0.0:" + POSTGRES_PORT,
                "0.0.0.0:" + ADMIN_PORT,
                spec.database(),
                spec.serverDatabase(),
                facts.currentPrimary(),
                new SidecarConfig.ServerLogin(facts.serverUser(), SERVER_DIR + "/" + PASSWORD_KEY),
                new SidecarConfig.ClientAuth(spec.clientAuthMethod(),
                        spec.clientAuthMethod() == AuthMethod.TRUST ? null : CLIENTS_DIR + "/" + USERS_KEY),
                spec.tlsSecret() == null ? new SidecarConfig.Tls(null, null)
                        : new SidecarConfig.Tls(TLS_DIR + "/" + TLS_CERT_KEY, TLS_DIR + "/" + TLS_KEY_KEY),
                new SidecarConfig.Pool(
                        facts.poolSize(),
                        facts.minIdle(),
                        Durations.parse(t.idle()),
                        Durations.parse(t.maxLifetime()),
                        Durations.parse(t.acquire()),
                        Durations.parse(t.connect()),
                        spec.maxUsesPerConnection()),
                new SidecarConfig.Timeouts(Durations.parse(t.query()), Durations.parse(t.login())),
                new SidecarConfig.Limits(spec.limits().maxClientConnections(), spec.limits().maxMessageBytes()),
                // Not mapped yet (the operator branch predates these fields): the sidecar's defaults apply.
                null, null, null, null, null, null, null);
    }
}
