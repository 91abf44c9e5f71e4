package io.poolkeeper.sidecar;

import io.poolkeeper.api.config.SidecarConfig;
import java.io.IOException;
import java.net.InetSocketAddress;

/** A running pool proxy: the client listener, the server pools and the admin HTTP port. */
public final class Sidecar implements AutoCloseable {

    /** Starts listening as {@code config} says; the config must have no {@link SidecarConfig#problems()}. */
    public static Sidecar start(SidecarConfig config) throws IOException {
        throw new UnsupportedOperationException("being written");
    }

    public InetSocketAddress listenAddress() {
        throw new UnsupportedOperationException("being written");
    }

    public InetSocketAddress adminAddress() {
        throw new UnsupportedOperationException("being written");
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitClosed() throws InterruptedException {
        throw new UnsupportedOperationException("being written");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("being written");
    }
}
