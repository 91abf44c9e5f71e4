package io.poolkeeper.operator.probe;

import java.time.Instant;

/** The last probe of a server, how many probes in a row failed, and when it was probed. */
public record ServerHealth(ProbeResult last, int failedProbes, Instant probedAt) {

    ServerHealth next(ProbeResult result, Instant now) {
        return new ServerHealth(result, result.reachable() ? 0 : failedProbes + 1, now);
    }
}
