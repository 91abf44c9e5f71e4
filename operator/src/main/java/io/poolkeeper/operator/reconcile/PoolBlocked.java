package io.poolkeeper.operator.reconcile;

/**
 * Thrown by an observe step when a prerequisite is missing (a Secret, the Sidecar target, a
 * server limit); the reconciler turns it into status and tries again on the next probe interval.
 */
final class PoolBlocked extends RuntimeException {
    private final Blocker blocker;

    PoolBlocked(String reason, String message) {
        super(message, null, false, false);
        this.blocker = new Blocker(reason, message);
    }

    Blocker blocker() {
        return blocker;
    }
}
