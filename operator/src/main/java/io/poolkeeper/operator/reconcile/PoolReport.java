package io.poolkeeper.operator.reconcile;

import io.poolkeeper.api.config.Endpoint;
import io.poolkeeper.api.v1alpha1.DatabasePool;
import java.util.List;
import java.util.Map;

/**
 * Everything one reconcile found and did, for the status. Later steps' fields are null when an
 * earlier step stopped the reconcile; the status then keeps what it said about them before.
 */
record PoolReport(
        DatabasePool pool,
        List<SpecProblem> problems,
        Blocker blocker,
        Observation seen,
        ServersView servers,
        Map<Endpoint, Integer> limits,
        PoolSizer.Sizes sizes,
        String configHash,
        String applyError) {

    /** A report that so far holds the spec's problems (none for a valid spec). */
    static PoolReport validated(DatabasePool pool, List<SpecProblem> problems) {
        return new PoolReport(pool, problems, null, null, null, Map.of(), null, null, null);
    }

    PoolReport with(Observation seen) {
        return new PoolReport(pool, problems, blocker, seen, servers, limits, sizes, configHash, applyError);
    }

    PoolReport with(ServersView servers, Map<Endpoint, Integer> limits) {
        return new PoolReport(pool, problems, blocker, seen, servers, limits, sizes, configHash, applyError);
    }

    PoolReport with(PoolSizer.Sizes sizes, String configHash) {
        return new PoolReport(pool, problems, blocker, seen, servers, limits, sizes, configHash, applyError);
    }

    PoolReport blocked(Blocker blocker) {
        return new PoolReport(pool, problems, blocker, seen, servers, limits, sizes, configHash, applyError);
    }

    PoolReport applied(String applyError) {
        return new PoolReport(pool, problems, blocker, seen, servers, limits, sizes, configHash, applyError);
    }
}
