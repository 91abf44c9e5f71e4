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
    private boolean returned;

    Lease(ServerPool pool, Connection connection, ServerConnection server) {
        this.pool = pool;
        this.connection = connection;
        this.server = server;
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
