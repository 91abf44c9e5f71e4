package io.poolkeeper.operator.reconcile;

import io.poolkeeper.api.config.Durations;
import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.v1alpha1.Conditions.Reasons;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import io.poolkeeper.api.v1alpha1.DatabasePoolSpec;
import io.poolkeeper.api.v1alpha1.DatabasePoolStatus;
import io.poolkeeper.api.v1alpha1.FailoverRecord;
import io.poolkeeper.api.v1alpha1.ServerStatus;
import io.poolkeeper.operator.OperatorMetrics;
import io.poolkeeper.operator.probe.FailoverDecider;
import io.poolkeeper.operator.probe.PrimaryDecision;
import io.poolkeeper.operator.probe.ProbeLogin;
import io.poolkeeper.operator.probe.ServerHealth;
import io.poolkeeper.operator.probe.ServerProbes;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Probes a pool's servers, decides the primary and, under the Promote policy, promotes a replica. */
final class FailoverStep {
    private static final Duration PROMOTE_WAIT = Duration.ofSeconds(30);
    private final ServerProbes probes;
    private final OperatorMetrics metrics;
    private final Clock clock;

    FailoverStep(ServerProbes probes, OperatorMetrics metrics, Clock clock) {
        this.probes = probes;
        this.metrics = metrics;
        this.clock = clock;
    }

    ServersView run(DatabasePool pool, ProbeLogin login) {
        DatabasePoolSpec spec = pool.getSpec();
        List<Endpoint> servers = new ArrayList<>(List.of(spec.primary().endpoint()));
        spec.replicas().forEach(r -> servers.add(r.endpoint()));
        DatabasePoolStatus old = pool.getStatus();
        Set<Endpoint> fenced = fenced(old, servers);
        Endpoint previous = previousPrimary(old, servers, spec);
        Map<Endpoint, ServerHealth> health = probes.probe(servers, login, Durations.parse(spec.failover().probeInterval()));
        PrimaryDecision decision = FailoverDecider.decide(servers, fenced, health, previous,
                spec.failover().policy(), spec.failover().unhealthyAfter());
        FailoverRecord last = old == null ? null : old.lastFailover();
        String promoteFailure = null;
        String reason = Reasons.PRIMARY_CHANGED;
        if (decision instanceof PrimaryDecision.Promote promote) {
            promoteFailure = promote(Peers.id(pool), promote.candidate(), login);
            if (promoteFailure == null) {
                fenced.add(promote.from());
                health = probes.probe(servers, login, Duration.ZERO);
                decision = new PrimaryDecision.Changed(promote.from(), promote.candidate());
                reason = Reasons.PROMOTED;
            } else {
                decision = new PrimaryDecision.Lost(promote.from(), true, promoteFailure);
            }
        }
        boolean failedOver = decision instanceof PrimaryDecision.Changed;
        if (decision instanceof PrimaryDecision.Changed changed) {
            last = new FailoverRecord(clock.instant().toString(), changed.from().toString(), changed.current().toString(), reason);
            metrics.failover(Peers.id(pool), reason);
        }
        return new ServersView(servers, decision, health, fenced, last, failedOver, promoteFailure);
    }

    private String promote(String pool, Endpoint candidate, ProbeLogin login) {
        try {
            boolean done = probes.prober().promote(candidate, login, PROMOTE_WAIT);
            metrics.promotion(pool, done);
            return done ? null : "pg_promote() on " + candidate + " did not finish within " + PROMOTE_WAIT.toSeconds() + " s";
        } catch (SQLException e) {
            metrics.promotion(pool, false);
            return "pg_promote() on " + candidate + " failed: " + e.getMessage()
                    + " (the pool's server user needs the right to execute pg_promote)";
        }
    }

    private static Set<Endpoint> fenced(DatabasePoolStatus old, List<Endpoint> servers) {
        Set<Endpoint> fenced = new LinkedHashSet<>();
        if (old == null) return fenced;
        for (ServerStatus s : old.servers()) {
            if (Boolean.TRUE.equals(s.fenced()) && servers.contains(Endpoint.parse(s.endpoint()))) fenced.add(Endpoint.parse(s.endpoint()));
        }
        return fenced;
    }

    /** Where writes went so far: the status' primary if it is still one of the spec's servers, else spec.primary. */
    private static Endpoint previousPrimary(DatabasePoolStatus old, List<Endpoint> servers, DatabasePoolSpec spec) {
        if (old != null && old.currentPrimary() != null) {
            Endpoint current = Endpoint.parse(old.currentPrimary());
            if (servers.contains(current)) return current;
        }
        return spec.primary().endpoint();
    }
}
