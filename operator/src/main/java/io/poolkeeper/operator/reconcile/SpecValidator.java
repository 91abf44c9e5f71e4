package io.poolkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.poolkeeper.api.config.AuthMethod;
import io.poolkeeper.api.config.Durations;
import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.config.ServerSslMode;
import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.api.render.RenderFacts;
import io.poolkeeper.api.render.SidecarConfigMapping;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.api.v1alpha1.DatabasePoolSpec;
import io.poolkeeper.api.v1alpha1.ReplicaRef;
import io.poolkeeper.api.v1alpha1.ServerTlsSpec;
import io.poolkeeper.api.v1alpha1.SizingSpec;
import io.poolkeeper.api.v1alpha1.Topology;
import io.poolkeeper.operator.model.PoolNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the CRD schema cannot say: fields that depend on each other, durations' ranges, duplicate
 * servers. Also the checks the schema does make, since a resource may come from somewhere that
 * did not apply it (an old CRD, a test's mock API server). Pure.
 */
public final class SpecValidator {
    private static final Duration MIN_PROBE_INTERVAL = Duration.ofMillis(200);
    // The sidecar config's own checks, in the spec's terms.
    private static final Map<String, String> CONFIG_FIELDS = Map.of(
            "pool.acquireTimeout", "spec.timeouts.acquire",
            "pool.connectTimeout", "spec.timeouts.connect",
            "pool.idleTimeout", "spec.timeouts.idle",
            "pool.maxLifetime", "spec.timeouts.maxLifetime",
            "pool.maxUsesPerConnection", "spec.maxUsesPerConnection",
            "timeouts.login", "spec.timeouts.login",
            "limits.maxClientConnections", "spec.limits.maxClientConnections",
            "limits.maxMessageBytes", "spec.limits.maxMessageBytes",
            "limits.eventLoops", "spec.limits.eventLoops");

    private SpecValidator() {}

    public static List<SpecProblem> validate(DatabasePool pool) {
        List<SpecProblem> out = new ArrayList<>();
        String name = pool.getMetadata().getName();
        if (name.length() > PoolNames.MAX_POOL_NAME) {
            out.add(new SpecProblem("metadata.name", "at most " + PoolNames.MAX_POOL_NAME
                    + " characters, so that the Services and Deployment named after it fit in 63; got " + name.length()));
        }
        if (pool.getSpec() == null) {
            out.add(new SpecProblem("spec", "required: give at least database, credentialsSecret and primary"));
            return out;
        }
        DatabasePoolSpec spec = pool.getSpec();
        required(out, spec);
        topology(out, spec);
        durations(out, spec);
        servers(out, spec);
        serverLimit(out, spec.sizing());
        serverTls(out, spec.serverTls());
        if (out.isEmpty()) sidecarRules(out, spec);
        return out;
    }

    private static void required(List<SpecProblem> out, DatabasePoolSpec spec) {
        if (blank(spec.database())) out.add(new SpecProblem("spec.database", "required: the database name clients connect to"));
        if (blank(spec.credentialsSecret())) out.add(new SpecProblem("spec.credentialsSecret", "required: a Secret with keys username and password"));
        if (spec.primary() == null || blank(spec.primary().host())) out.add(new SpecProblem("spec.primary.host", "required: the primary server's host"));
        if (spec.clientAuthMethod() != AuthMethod.TRUST && blank(spec.clientAuthSecret())) {
            out.add(new SpecProblem("spec.clientAuthSecret", "required when clientAuthMethod is " + spec.clientAuthMethod().wireName()
                    + ": a Secret with key users (PgBouncer auth_file format); or set clientAuthMethod: trust for tests"));
        }
    }

    /** The sidecar's server.tls rules, said in the spec's own field names. */
    private static void serverTls(List<SpecProblem> out, ServerTlsSpec tls) {
        if (tls.mode().verifiesCertificate() && blank(tls.caSecret())) {
            out.add(new SpecProblem("spec.serverTls.caSecret", "required when serverTls.mode is " + tls.mode().wireName()
                    + ": a Secret holding the PEM CA bundle that signed the servers' certificates"));
        }
        if (!tls.mode().verifiesCertificate() && tls.caSecret() != null) {
            out.add(new SpecProblem("spec.serverTls.caSecret", "only used by modes verify-ca and verify-full, but serverTls.mode is "
                    + tls.mode().wireName() + "; set the mode to verify-full (or verify-ca) to check the servers' certificates"));
        }
        if (tls.mode() == ServerSslMode.DISABLE && tls.clientCertSecret() != null) {
            out.add(new SpecProblem("spec.serverTls.clientCertSecret", "a client certificate needs TLS, but serverTls.mode is disable"));
        }
    }

    private static void topology(List<SpecProblem> out, DatabasePoolSpec spec) {
        if (spec.topology() == Topology.Sidecar) {
            if (spec.targetRef() == null || blank(spec.targetRef().name())) {
                out.add(new SpecProblem("spec.targetRef", "required for topology Sidecar: the Deployment whose pods get the sidecar"));
            }
            if (spec.autoscaling() != null) {
                out.add(new SpecProblem("spec.autoscaling", "only for topology Standalone; in Sidecar topology the target's own autoscaler counts"));
            }
        }
        if (spec.autoscaling() != null && spec.autoscaling().maxInstances() == null) {
            out.add(new SpecProblem("spec.autoscaling.maxInstances", "required: the most pods, which sizing divides each server's budget by"));
        } else if (spec.autoscaling() != null && spec.autoscaling().minInstances() > spec.autoscaling().maxInstances()) {
            out.add(new SpecProblem("spec.autoscaling.minInstances", "must not exceed maxInstances (" + spec.autoscaling().maxInstances()
                    + "), got " + spec.autoscaling().minInstances()));
        }
        if (spec.instances() < 1) out.add(new SpecProblem("spec.instances", "must be at least 1, got " + spec.instances()));
    }

    private static void durations(List<SpecProblem> out, DatabasePoolSpec spec) {
        var t = spec.timeouts();
        duration(out, "spec.timeouts.acquire", t.acquire());
        duration(out, "spec.timeouts.idle", t.idle());
        duration(out, "spec.timeouts.maxLifetime", t.maxLifetime());
        duration(out, "spec.timeouts.query", t.query());
        duration(out, "spec.timeouts.connect", t.connect());
        duration(out, "spec.timeouts.login", t.login());
        duration(out, "spec.routing.maxReplicaLag", spec.routing().maxReplicaLag());
        duration(out, "spec.circuitBreaker.resetTimeout", spec.circuitBreaker().resetTimeout());
        duration(out, "spec.monitoring.slowQuery", spec.monitoring().slowQuery());
        Duration probe = duration(out, "spec.failover.probeInterval", spec.failover().probeInterval());
        if (probe != null && probe.compareTo(MIN_PROBE_INTERVAL) < 0) {
            out.add(new SpecProblem("spec.failover.probeInterval", "must be at least " + Durations.format(MIN_PROBE_INTERVAL)
                    + ", got " + spec.failover().probeInterval()));
        }
    }

    private static Duration duration(List<SpecProblem> out, String field, String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            out.add(new SpecProblem(field, e.getMessage()));
            return null;
        }
    }

    private static void servers(List<SpecProblem> out, DatabasePoolSpec spec) {
        Set<Endpoint> seen = new HashSet<>();
        if (spec.primary() != null && spec.primary().host() != null) seen.add(spec.primary().endpoint());
        for (int i = 0; i < spec.replicas().size(); i++) {
            ReplicaRef replica = spec.replicas().get(i);
            String field = "spec.replicas[" + i + "]";
            if (blank(replica.host())) {
                out.add(new SpecProblem(field + ".host", "required: the replica's host"));
            } else if (!seen.add(replica.endpoint())) {
                out.add(new SpecProblem(field, replica.endpoint() + " is already listed as the primary or another replica"));
            }
            if (replica.weight() < 1) out.add(new SpecProblem(field + ".weight", "must be at least 1, got " + replica.weight()));
        }
    }

    private static void serverLimit(List<SpecProblem> out, SizingSpec sizing) {
        if (fixedServerLimit(sizing) == -1) {
            out.add(new SpecProblem("spec.sizing.serverMaxConnections", "must be \"auto\" or a whole number of at least 1, got \""
                    + (sizing.serverMaxConnections().getIntVal() != null ? sizing.serverMaxConnections().getIntVal()
                    : sizing.serverMaxConnections().getStrVal()) + "\""));
        }
        if (sizing.headroomPercent() < 0 || sizing.headroomPercent() > 90) {
            out.add(new SpecProblem("spec.sizing.headroomPercent", "must be 0-90, got " + sizing.headroomPercent()));
        }
        if (sizing.minIdlePercent() < 0 || sizing.minIdlePercent() > 100) {
            out.add(new SpecProblem("spec.sizing.minIdlePercent", "must be 0-100, got " + sizing.minIdlePercent()));
        }
    }

    /** The fixed server limit, 0 for "auto", -1 when it is neither. */
    public static int fixedServerLimit(SizingSpec sizing) {
        IntOrString limit = sizing.serverMaxConnections();
        if (limit.getIntVal() != null) return limit.getIntVal() >= 1 ? limit.getIntVal() : -1;
        String text = limit.getStrVal();
        if (SizingSpec.AUTO.equalsIgnoreCase(text)) return 0;
        try {
            int n = Integer.parseInt(text);
            return n >= 1 ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Renders a trial config and reports the sidecar's own objections under the spec's field names. */
    private static void sidecarRules(List<SpecProblem> out, DatabasePoolSpec spec) {
        SidecarConfig trial = SidecarConfigMapping.render(spec, new RenderFacts(spec.primary().endpoint(), "probe", 1, 1));
        for (String problem : trial.problems()) {
            int colon = problem.indexOf(':');
            String field = CONFIG_FIELDS.getOrDefault(problem.substring(0, colon), "spec");
            out.add(new SpecProblem(field, problem.substring(colon + 1).strip()));
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
