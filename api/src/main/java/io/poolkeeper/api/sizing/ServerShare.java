package io.poolkeeper.api.sizing;

import java.util.List;

/**
 * One pool's share of one server's connections.
 *
 * @param server host:port
 * @param maxConnections the connections the server lets pools use (max_connections minus reserved)
 * @param usable what is left of them after this pool's headroom
 * @param totalPods the pods of every pool on this server, among which usable is divided
 * @param pools every pool sharing the server, this one included, sorted
 * @param perPod each pod's pool size; below 1 when the budget is exhausted
 */
public record ServerShare(String server, int maxConnections, int usable, int totalPods, List<String> pools, int perPod) {

    public ServerShare {
        pools = List.copyOf(pools);
    }

    public boolean exhausted() {
        return perPod < 1;
    }

    /** Why the budget is exhausted, and what to change, in one sentence. */
    public String explain() {
        return "server " + server + " has " + usable + " connections to share (of " + maxConnections
                + " after headroom) among " + totalPods + " pods of " + String.join(", ", pools)
                + ", which leaves none per pod: lower instances or autoscaling.maxInstances, lower headroomPercent, "
                + "or raise max_connections";
    }
}
