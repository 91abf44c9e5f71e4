package io.poolkeeper.cli.sandbox;

import io.poolkeeper.api.config.SidecarConfig;
import io.poolkeeper.api.config.SidecarConfigYaml;
import io.poolkeeper.localpg.LocalPostgres;
import io.poolkeeper.localpg.LocalServer;
import io.poolkeeper.sidecar.Sidecar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Everything the sandbox runs on this machine: a PostgreSQL primary and one streaming replica
 * in a temporary directory, and a sidecar in front of the primary with one client user. Closing
 * it stops all of it and removes the directory.
 */
public final class Sandbox implements AutoCloseable {
    public static final String DATABASE = "app";
    public static final String USER = "app";
    public static final String PASSWORD = "sandbox";

    private final LocalPostgres postgres;
    private final Path configDir;
    private final Sidecar sidecar;

    private Sandbox(LocalPostgres postgres, Path configDir, Sidecar sidecar) {
        this.postgres = postgres;
        this.configDir = configDir;
        this.sidecar = sidecar;
    }

    /** Starts the servers and the sidecar; {@code listenPort}/{@code adminPort} 0 pick free ports. */
    public static Sandbox start(int listenPort, int adminPort) throws IOException {
        LocalPostgres postgres = LocalPostgres.start(LocalPostgres.Options.defaults().withReplicas(1).withDatabase(DATABASE));
        Path dir = null;
        try {
            dir = Files.createTempDirectory("poolkeeper-sandbox", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path serverPassword = Files.writeString(dir.resolve("server-password"), LocalPostgres.PASSWORD);
            Path users = Files.writeString(dir.resolve("users.txt"), "\"" + USER + "\" \"" + PASSWORD + "\"\n");
            LocalServer primary = postgres.primary();
            String yaml = """
                    listen: 127.0.0.1:%d
                    admin: 127.0.0.1:%d
                    database: %s
                    primary: {host: %s, port: %d}
                    server: {user: %s, passwordFile: %s}
                    auth: {method: scram-sha-256, usersFile: %s}
                    pool: {maxSize: 10, minIdle: 2}
                    timeouts: {query: 30s}
                    """.formatted(listenPort, adminPort, DATABASE, primary.host(), primary.port(),
                    LocalPostgres.USER, serverPassword, users);
            Files.writeString(dir.resolve("sidecar.yaml"), yaml);
            SidecarConfig config = SidecarConfigYaml.parse(yaml);
            return new Sandbox(postgres, dir, Sidecar.start(config));
        } catch (IOException | RuntimeException e) {
            postgres.close();
            deleteQuietly(dir);
            throw e;
        }
    }

    public LocalPostgres postgres() {
        return postgres;
    }

    public int port() {
        return sidecar.listenAddress().getPort();
    }

    public int adminPort() {
        return sidecar.adminAddress().getPort();
    }

    public Path sidecarConfigFile() {
        return configDir.resolve("sidecar.yaml");
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE + "?sslmode=disable";
    }

    public String psqlLine() {
        return "PGPASSWORD=" + PASSWORD + " psql \"host=127.0.0.1 port=" + port() + " dbname=" + DATABASE + " user=" + USER + "\"";
    }

    public String adminUrl(String path) {
        return "http://127.0.0.1:" + adminPort() + path;
    }

    @Override
    public void close() {
        try {
            sidecar.close();
        } finally {
            postgres.close();
            deleteQuietly(configDir);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) return;
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless and the OS clears /tmp
        }
    }
}
