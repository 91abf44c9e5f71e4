package io.poolkeeper.sidecar.health;

/**
 * One probe of one server. {@code walPosition}: the current WAL position on a primary, the
 * replayed position on a replica. {@code timeline}: the primary's timeline, which a promotion
 * raises; 0 on a replica.
 */
public record ProbeResult(boolean reachable, boolean inRecovery, long walPosition, int timeline, String error, long atNanos) {

    public static ProbeResult unreachable(String error, long atNanos) {
        return new ProbeResult(false, false, 0, 0, error, atNanos);
    }
}
