package io.poolkeeper.sidecar.health;

/**
 * The primary's WAL position at each of its recent probes. A replica's lag is how long ago the
 * primary first stood past the position the replica has replayed: 0 when it has replayed all
 * the primary had at its last probe. Independent of how often the primary commits (unlike
 * {@code now() - pg_last_xact_replay_timestamp()}), and exact to one probe interval.
 */
public final class WalHistory {
    private static final int SIZE = 256;
    private final long[] positions = new long[SIZE];
    private final long[] times = new long[SIZE];
    private int count;
    private int next;

    public synchronized void record(long position, long atNanos) {
        positions[next] = position;
        times[next] = atNanos;
        next = (next + 1) % SIZE;
        if (count < SIZE) count++;
    }

    public synchronized void clear() {
        count = 0;
        next = 0;
    }

    /** Milliseconds a replica at {@code replayed} is behind, as of {@code nowNanos}. */
    public synchronized long lagMillis(long replayed, long nowNanos) {
        long firstPast = -1;
        for (int k = 0; k < count; k++) {
            int i = Math.floorMod(next - 1 - k, SIZE);
            if (positions[i] > replayed) firstPast = times[i];
            else break;
        }
        return firstPast < 0 ? 0 : Math.max(0, (nowNanos - firstPast) / 1_000_000);
    }
}
