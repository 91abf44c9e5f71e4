package io.poolkeeper.sidecar.route;

/**
 * One client's read-your-writes state: when its last transaction on the primary ended, and the
 * primary's WAL position a probe saw after that, which a replica must have replayed before this
 * client's reads may go there.
 */
public final class ReadContext {
    private long lastWriteNanos;
    private long requiredWalPosition;

    public void wrote(long atNanos) {
        lastWriteNanos = atNanos;
        requiredWalPosition = -1;
    }

    long lastWriteNanos() {
        return lastWriteNanos;
    }

    /** -1 while the position is not known yet; 0 when the client never wrote. */
    long requiredWalPosition() {
        return requiredWalPosition;
    }

    void requiredWalPosition(long position) {
        requiredWalPosition = position;
    }
}
