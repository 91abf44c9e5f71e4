package io.poolkeeper.operator.probe;

import io.poolkeeper.api.config.Endpoint;

/**
 * One probe of one server.
 *
 * @param walPosition how far its WAL goes, in bytes: the write position on a primary, the received
 *     (or, without streaming, replayed) position on a replica; what "most advanced" compares
 * @param replayPosition on a replica, the replayed position; the lag is the primary's walPosition minus this
 * @param usableConnections max_connections minus the connections reserved for superusers and roles
 * @param error why the server could not be reached; null when it was
 */
public record ProbeResult(
        Endpoint endpoint, boolean reachable, boolean inRecovery, long walPosition, long replayPosition,
        int usableConnections, String error) {

    public static ProbeResult unreachable(Endpoint endpoint, String error) {
        return new ProbeResult(endpoint, false, false, 0, 0, 0, error);
    }

    public boolean isPrimary() {
        return reachable && !inRecovery;
    }

    public boolean isReplica() {
        return reachable && inRecovery;
    }
}
