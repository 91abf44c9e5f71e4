package io.poolkeeper.sidecar.backend;

/** Implemented by the connections HikariCP pools, so a borrowed one yields the proxy's view of it. */
public interface ServerLink {
    ServerConnection serverConnection();
}
