package io.poolkeeper.localpg;

import java.nio.file.Path;

/** The settings every local server runs with: fast and unsafe for real data, and ready to replicate. */
final class ServerConfig {

    private static final long MIN_SHARED_BUFFERS_KB = 16 * 1024;
    // Each busy backend pins a few buffers; this keeps many connections clear of "no unpinned buffers available".
    private static final long SHARED_BUFFERS_KB_PER_CONNECTION = 32;

    private ServerConfig() {}

    /** Lines appended to postgresql.conf; the port is given on each start instead, so replicas share this file. */
    static String settings(int maxConnections, Path socketDirectory) {
        long sharedBuffersKb = Math.max(MIN_SHARED_BUFFERS_KB, maxConnections * SHARED_BUFFERS_KB_PER_CONNECTION);
        return """

                # Poolkeeper localpg: a throwaway server on loopback.
                listen_addresses = '127.0.0.1'
                unix_socket_directories = '%s'
                max_connections = %d
                shared_buffers = %dkB
                fsync = off
                synchronous_commit = off
                full_page_writes = off
                wal_level = replica
                wal_keep_size = 256MB
                hot_standby = on
                hot_standby_feedback = on
                # Asynchronous commits reach replicas within this delay rather than the default 200 ms.
                wal_writer_delay = 10ms
                # Fresh replay positions in pg_stat_replication, so lag is visible within a second.
                wal_receiver_status_interval = 1s
                # A replica reconnects to a restarted primary this soon rather than after 5 s.
                wal_retrieve_retry_interval = 200ms
                jit = off
                """.formatted(quoted(socketDirectory.toString()), maxConnections, sharedBuffersKb);
    }

    private static String quoted(String value) {
        return value.replace("'", "''");
    }
}
