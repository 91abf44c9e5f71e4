package io.poolkeeper.api.render;

import static io.poolkeeper.api.render.SidecarLayout.*;

import io.poolkeeper.api.config.AuthMethod;
import io.poolkeeper.api.config.Durations;
import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.api.v1alpha1.DatabasePoolSpec;
import io.poolkeeper.api.v1alpha1.ReplicaRef;
import io.poolkeeper.api.v1alpha1.RoutingSpec;
import io.poolkeeper.api.v1alpha1.ServerTlsSpec;
import io.poolkeeper.api.v1alpha1.TimeoutsSpec;
import java.util.ArrayList;
import java.util.List;

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
                new SidecarConfig.ServerLogin(facts.serverUser(), SERVER_DIR + "/" + PASSWORD_KEY, serverTls(spec.serverTls())),
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
                new SidecarConfig.Limits(spec.limits().maxClientConnections(), spec.limits().maxMessageBytes(), spec.limits().eventLoops()),
                replicas(spec, facts),
                "0.0.0.0:" + POSTGRES_READ_ONLY_PORT,
                routing(spec.routing()),
                new SidecarConfig.Probe(Durations.parse(spec.failover().probeInterval()), null),
                new SidecarConfig.CircuitBreaker(spec.circuitBreaker().failureThreshold(),
                        Durations.parse(spec.circuitBreaker().resetTimeout())),
                new SidecarConfig.Monitoring(Durations.parse(spec.monitoring().slowQuery())),
                null);
    }

    /** Paths where the pod has the serverTls Secrets mounted (SidecarLayout); never their contents. */
    private static SidecarConfig.ServerTls serverTls(ServerTlsSpec t) {
        boolean clientCert = t.clientCertSecret() != null;
        return new SidecarConfig.ServerTls(t.mode(),
                t.caSecret() == null ? null : SERVER_CA_DIR + "/" + t.caKey(),
                clientCert ? SERVER_CLIENT_CERT_DIR + "/" + TLS_CERT_KEY : null,
                clientCert ? SERVER_CLIENT_CERT_DIR + "/" + TLS_KEY_KEY : null);
    }

    /**
     * Every server of the spec but the current primary and the fenced, as replicas: after a
     * failover the old primary, once it returns as a replica, takes reads again. The sidecar
     * probes them all and fences on its own any that comes back writable on an older timeline.
     */
    private static List<SidecarConfig.Replica> replicas(DatabasePoolSpec spec, RenderFacts facts) {
        List<SidecarConfig.Replica> out = new ArrayList<>();
        Endpoint configuredPrimary = spec.primary().endpoint();
        if (!configuredPrimary.equals(facts.currentPrimary()) && !facts.fenced().contains(configuredPrimary)) {
            out.add(new SidecarConfig.Replica(configuredPrimary.host(), configuredPrimary.port(), 1, null));
        }
        for (ReplicaRef r : spec.replicas()) {
            Endpoint e = r.endpoint();
            if (e.equals(facts.currentPrimary()) || facts.fenced().contains(e)) continue;
            out.add(new SidecarConfig.Replica(r.host(), r.port(), r.weight(), r.zone()));
        }
        return out;
    }

    private static SidecarConfig.Routing routing(RoutingSpec r) {
        return new SidecarConfig.Routing(
                io.poolkeeper.api.config.ReadStrategy.fromWireName(r.readStrategy().name()),
                io.poolkeeper.api.config.SplitReads.fromWireName(r.splitReads().name()),
                Durations.parse(r.maxReplicaLag()), r.readYourWrites(), r.fallbackToPrimary());
    }
}
