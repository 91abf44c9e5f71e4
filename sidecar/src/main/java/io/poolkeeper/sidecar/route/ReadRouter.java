package io.poolkeeper.sidecar.route;

import io.poolkeeper.api.config.ReadStrategy;
import io.poolkeeper.sidecar.health.ServerState;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Picks one replica among those that can take a read, by the configured strategy. */
final class ReadRouter {
    private final ReadStrategy strategy;
    private final AtomicInteger next = new AtomicInteger();

    ReadRouter(ReadStrategy strategy) {
        this.strategy = strategy;
    }

    ReadStrategy strategy() {
        return strategy;
    }

    /** Index into {@code eligible} (not empty) of the replica to try first. */
    int pick(List<ServerState> eligible) {
        int n = eligible.size();
        if (n == 1) return 0;
        return switch (strategy) {
            case ROUND_ROBIN -> Math.floorMod(next.getAndIncrement(), n);
            case RANDOM -> ThreadLocalRandom.current().nextInt(n);
            case WEIGHTED -> weighted(eligible);
            case LEAST_CONNECTIONS -> leastConnections(eligible);
        };
    }

    private static int weighted(List<ServerState> eligible) {
        int total = 0;
        for (ServerState s : eligible) total += s.weight();
        if (total == 0) return ThreadLocalRandom.current().nextInt(eligible.size());
        int r = ThreadLocalRandom.current().nextInt(total);
        for (int i = 0; i < eligible.size(); i++) {
            r -= eligible.get(i).weight();
            if (r < 0) return i;
        }
        return eligible.size() - 1;
    }

    private int leastConnections(List<ServerState> eligible) {
        int start = Math.floorMod(next.getAndIncrement(), eligible.size());
        int best = start;
        for (int k = 1; k < eligible.size(); k++) {
            int i = (start + k) % eligible.size();
            if (eligible.get(i).inUse() < eligible.get(best).inUse()) best = i;
        }
        return best;
    }
}
