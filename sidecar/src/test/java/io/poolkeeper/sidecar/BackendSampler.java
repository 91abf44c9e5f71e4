package io.poolkeeper.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Counts a sidecar's server connections on the server every few milliseconds while a load runs, keeping the peak. */
final class BackendSampler implements AutoCloseable {
    /** Counts the sidecar's server connections through a direct connection to the server. */
    @FunctionalInterface
    interface Count {
        int count(Connection observer) throws SQLException;
    }

    private final Connection connection;
    private final Count count;
    private final Thread thread;
    private final List<Throwable> failures = new ArrayList<>();
    private volatile boolean running = true;
    private volatile int peak;
    private volatile int samples;

    /** Starts sampling through {@code observer}, which the sampler closes. */
    BackendSampler(Connection observer, Count count) {
        this.connection = observer;
        this.count = count;
        this.thread = Thread.ofVirtual().name("backend-sampler").start(this::sample);
    }

    private void sample() {
        try {
            while (running) {
                peak = Math.max(peak, count.count(connection));
                samples++;
                Thread.sleep(5);
            }
        } catch (SQLException e) {
            synchronized (failures) {
                failures.add(e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops sampling and returns the most connections seen at once. */
    int peak() throws InterruptedException {
        running = false;
        thread.join();
        synchronized (failures) {
            assertThat(failures).as("sampling failures").isEmpty();
        }
        assertThat(samples).as("samples taken").isPositive();
        return peak;
    }

    int samples() {
        return samples;
    }

    @Override
    public void close() throws SQLException {
        running = false;
        connection.close();
    }
}
