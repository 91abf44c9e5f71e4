package io.poolkeeper.sidecar.backend;

import java.sql.Connection;

/**
 * A borrowed server connection. Given back exactly once: {@link #close()} returns it to the pool,
 * {@link #discard()} retires it (broken, or left in a state the next client must not see).
 */
public final class Lease implements AutoCloseable {
    private final ServerPool pool;
    private final Connection connection;
    private final ServerConnection server;
    /** When HikariCP lent the connection, and how many evictions the pool had seen then: a kept connection goes back after either moves on. */
    private final long lentAtNanos;
    private final int evictionsAtLending;
    private boolean returned;

    Lease(ServerPool pool, Connection connection, ServerConnection server, long lentAtNanos, int evictionsAtLending) {
        this.pool = pool;
        this.connection = connection;
        this.server = server;
        this.lentAtNanos = lentAtNanos;
        this.evictionsAtLending = evictionsAtLending;
    }

    long lentAtNanos() {
        return lentAtNanos;
    }

    int evictionsAtLending() {
        return evictionsAtLending;
    }

    public ServerConnection server() {
        return server;
    }

    Connection connection() {
        return connection;
    }

    public ServerPool pool() {
        return pool;
    }

    /** True unless HikariCP's validation, put off by an event loop, now finds the connection dead (discard it then). */
    public boolean passesDueValidation() {
        return !server.takeDueValidation() || server.validate(pool.validationSeconds());
    }

    public void discard() {
        giveBack(true);
    }

    /** Returns the connection; true when it had served its last use and was retired instead. */
    public boolean release() {
        return giveBack(false);
    }

    /**
     * At a transaction's end, instead of {@link #release()}: counts the transaction and keeps the
     * connection lent for the borrower's next one; false, having done nothing, when it must go back
     * now ({@link ServerPool#keep}).
     */
    public boolean keep() {
        return !returned && pool.keep(this);
    }

    /** True while a kept connection may still serve another transaction ({@link ServerPool#mayStillKeep}). */
    public boolean mayStillKeep() {
        return pool.mayStillKeep(this);
    }

    /** A kept connection is taken up again, or is about to go back: it no longer counts as idle. */
    public void unkeep() {
        pool.unkept();
    }

    /** Gives back a kept connection, whose last transaction {@link #keep()} counted already. */
    public void giveBackKept(boolean discard) {
        if (returned) return;
        returned = true;
        pool.giveBackKept(this, discard);
    }

    @Override
    public void close() {
        giveBack(false);
    }

    private boolean giveBack(boolean discard) {
        if (returned) return false;
        returned = true;
        return pool.giveBack(this, discard);
    }
}
