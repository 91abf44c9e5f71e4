package io.poolkeeper.api.sizing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The sizing rules (docs/operator.md, "Sizing"): every pod of every pool on a server gets the same
 * share of what the server allows, so the pools together never exceed it however they scale.
 */
public final class Sizing {
    private Sizing() {}

    /** {@code floor(maxConnections × (100 − headroomPercent)/100 / pods)}; 0 when nothing is left per pod. */
    public static int perPodMax(int maxConnections, int headroomPercent, int pods) {
        if (maxConnections < 0) throw new IllegalArgumentException("maxConnections must be 0 or more, got " + maxConnections);
        if (pods < 1) throw new IllegalArgumentException("pods must be at least 1, got " + pods);
        // One integer division: floor(floor(a/100)/p) equals floor(a/(100p)), and long keeps a×(100−h) from overflowing.
        return (int) ((long) maxConnections * (100 - headroomPercent) / (100L * pods));
    }

    /** {@code floor(maxConnections × (100 − headroomPercent)/100)}: what the pools may use of the server. */
    public static int usable(int maxConnections, int headroomPercent) {
        return (int) ((long) maxConnections * (100 - headroomPercent) / 100);
    }

    /** {@code ceil(max × minIdlePercent/100)}. */
    public static int minIdle(int max, int minIdlePercent) {
        if (minIdlePercent < 0 || minIdlePercent > 100) {
            throw new IllegalArgumentException("minIdlePercent must be 0-100, got " + minIdlePercent);
        }
        return (int) (((long) max * minIdlePercent + 99) / 100);
    }

    /**
     * The share of {@code server} for {@code pool} when {@code others} point at it too. The pods of
     * all of them divide the server's connections; {@code pool}'s own headroom applies to its share,
     * so pools with different headrooms together still stay within the limit.
     */
    public static ServerShare share(String server, int maxConnections, PoolDemand pool, Collection<PoolDemand> others) {
        int totalPods = pool.pods();
        List<String> names = new ArrayList<>(List.of(pool.pool()));
        for (PoolDemand other : others) {
            if (other.pool().equals(pool.pool())) continue;
            totalPods += other.pods();
            names.add(other.pool());
        }
        names.sort(null);
        return new ServerShare(server, maxConnections, usable(maxConnections, pool.headroomPercent()), totalPods, names,
                perPodMax(maxConnections, pool.headroomPercent(), totalPods));
    }
}
