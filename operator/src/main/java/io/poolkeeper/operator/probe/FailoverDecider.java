package io.poolkeeper.operator.probe;

import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.v1alpha1.FailoverPolicy;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides the primary from the probes. Pure, so every case is a unit test.
 *
 * <ul>
 *   <li>The last primary still answers as primary: stay (even if another server also claims to be
 *       primary, as an old primary restarted without being fenced would).
 *   <li>Another unfenced server answers as primary: follow it (both policies).
 *   <li>None does, the last primary failed {@code unhealthyAfter} probes in a row and the policy is
 *       Promote: promote the healthy replica with the most WAL, the first in spec order on a tie.
 *   <li>Otherwise keep the last primary and report it lost.
 * </ul>
 */
public final class FailoverDecider {
    private FailoverDecider() {}

    /**
     * @param servers the spec's servers, primary first, then the replicas in order
     * @param previous the primary the pools use now (status.currentPrimary, else spec.primary)
     */
    public static PrimaryDecision decide(List<Endpoint> servers, Set<Endpoint> fenced, Map<Endpoint, ServerHealth> health,
            Endpoint previous, FailoverPolicy policy, int unhealthyAfter) {
        if (isPrimary(health.get(previous)) && !fenced.contains(previous)) return new PrimaryDecision.Stable(previous);
        Optional<Endpoint> other = servers.stream()
                .filter(s -> !fenced.contains(s) && isPrimary(health.get(s)))
                .findFirst();
        if (other.isPresent()) return new PrimaryDecision.Changed(previous, other.get());
        ServerHealth last = health.get(previous);
        boolean down = last != null && !last.last().reachable() && last.failedProbes() >= unhealthyAfter;
        if (down && policy == FailoverPolicy.Promote) {
            Optional<Endpoint> candidate = mostAdvancedReplica(servers, fenced, health);
            if (candidate.isPresent()) return new PrimaryDecision.Promote(previous, candidate.get());
        }
        return new PrimaryDecision.Lost(previous, down, why(previous, last));
    }

    static Optional<Endpoint> mostAdvancedReplica(List<Endpoint> servers, Set<Endpoint> fenced, Map<Endpoint, ServerHealth> health) {
        // On equal WAL the earlier server in spec order wins: the negated index makes it the greater.
        return servers.stream()
                .filter(s -> !fenced.contains(s) && health.get(s) != null && health.get(s).last().isReplica())
                .max(Comparator.<Endpoint>comparingLong(s -> health.get(s).last().walPosition())
                        .thenComparing(s -> -servers.indexOf(s)));
    }

    private static boolean isPrimary(ServerHealth h) {
        return h != null && h.last().isPrimary();
    }

    private static String why(Endpoint previous, ServerHealth last) {
        if (last == null) return previous + " has not been probed yet";
        if (last.last().reachable()) return previous + " answers but is in recovery, and no other server is primary";
        return previous + " failed " + last.failedProbes() + " probe" + (last.failedProbes() == 1 ? "" : "s")
                + " in a row (" + last.last().error() + "), and no other server is primary";
    }
}
