package io.poolkeeper.sidecar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.api.config.SidecarConfigYaml;
import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalPostgresExtension;
import io.poolkeeper.sidecar.RunningSidecar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Editing the config file reloads the running sidecar; a broken edit is refused and the old config keeps serving. */
@ExtendWith(LocalPostgresExtension.class)
class ConfigWatcherIT {

    @Test
    void whenTheFileChangesThenValidEditsApplyAndInvalidOnesAreRefused(LocalPostgres pg, @TempDir Path dir) throws Exception {
        try (RunningSidecar proxy = RunningSidecar.start(pg.primary(), "pool: {maxSize: 4}\n")) {
            Path file = Files.writeString(dir.resolve("sidecar.yaml"), proxy.yaml());
            ConfigReloader reloader = new ConfigReloader(file, () -> SidecarConfigYaml.parse(Files.readString(file)));
            try (ConfigWatcher ignored = new ConfigWatcher(reloader, proxy.sidecar())) {
                Files.writeString(file, proxy.yaml().replace("pool: {maxSize: 4}", "pool: {maxSize: 0}"));
                Thread.sleep(2500);
                assertThat(status(proxy)).contains("\"maxSize\":4");
                try (Connection c = proxy.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 'served'")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("served");
                }
                Files.writeString(file, proxy.yaml().replace("pool: {maxSize: 4}", "pool: {maxSize: 7}"));
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (!status(proxy).contains("\"maxSize\":7") && System.nanoTime() < deadline) Thread.sleep(100);
                assertThat(status(proxy)).contains("\"maxSize\":7");
            }
        }
    }

    private static String status(RunningSidecar proxy) {
        return proxy.admin("/status").body().replaceAll("\\s+", "");
    }
}
