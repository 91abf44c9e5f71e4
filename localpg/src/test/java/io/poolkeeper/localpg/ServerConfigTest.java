package io.poolkeeper.localpg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    @Test
    void carriesMaxConnectionsAndSocketDirectory() {
        String settings = ServerConfig.settings(100, Path.of("/tmp/poolkeeper-localpg-1"));

        assertThat(settings)
                .contains("max_connections = 100\n")
                .contains("unix_socket_directories = '/tmp/poolkeeper-localpg-1'\n")
                .contains("listen_addresses = '127.0.0.1'\n")
                .contains("wal_level = replica\n");
    }

    @Test
    void keepsSmallSharedBuffersForFewConnectionsAndGrowsThemForMany() {
        assertThat(ServerConfig.settings(100, Path.of("/tmp/x"))).contains("shared_buffers = 16384kB\n");
        assertThat(ServerConfig.settings(2000, Path.of("/tmp/x"))).contains("shared_buffers = 64000kB\n");
    }

    @Test
    void doublesQuotesInsideTheSocketPath() {
        assertThat(ServerConfig.settings(100, Path.of("/tmp/it's"))).contains("unix_socket_directories = '/tmp/it''s'");
    }
}
