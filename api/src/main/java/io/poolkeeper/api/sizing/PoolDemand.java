package io.poolkeeper.api.sizing;

/**
 * One DatabasePool's claim on a server: how many pods may hold connections to it at once, and how
 * much of the server's limit that pool leaves unused.
 *
 * @param pool namespace/name, to tell pools apart and to name them in messages
 */
public record PoolDemand(String pool, int pods, int headroomPercent) {
    public PoolDemand {
        if (pods < 1) throw new IllegalArgumentException("pods must be at least 1, got " + pods + " for " + pool);
        if (headroomPercent < 0 || headroomPercent > 100) {
            throw new IllegalArgumentException("headroomPercent must be 0-100, got " + headroomPercent + " for " + pool);
        }
    }
}
